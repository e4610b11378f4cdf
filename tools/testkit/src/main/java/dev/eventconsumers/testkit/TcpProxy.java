package dev.eventconsumers.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A loopback TCP forwarder in front of a real server (an emulator), for outages that a test switches on and off:
 * {@link #cut()} closes the listener and every open connection, so clients see the backend go away as they would
 * in production (connection refused, reset); {@link #restore()} listens again on the same port. Nothing about the
 * protocol is faked: bytes pass through unchanged.
 */
public final class TcpProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile ServerSocket listener;

    /**
     * @param target {@code host:port} to forward to
     */
    public TcpProxy(String target) {
        int colon = target.lastIndexOf(':');
        this.targetHost = target.substring(0, colon);
        this.targetPort = Integer.parseInt(target.substring(colon + 1));
        this.listener = bind(0);
        this.port = listener.getLocalPort();
        accept(listener);
    }

    /** @return {@code 127.0.0.1:PORT} of the proxy */
    public String host() {
        return "127.0.0.1:" + port;
    }

    /** The backend goes away: no new connections, open ones are reset. */
    public synchronized void cut() {
        closeQuietly(listener);
        open.forEach(TcpProxy::closeQuietly);
        open.clear();
    }

    /** The backend is back, on the same port. */
    public synchronized void restore() {
        if (listener.isClosed()) {
            listener = bind(port);
            accept(listener);
        }
    }

    @Override
    public void close() {
        cut();
    }

    private static ServerSocket bind(int port) {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return socket;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on port " + port, e);
        }
    }

    private void accept(ServerSocket server) {
        Thread.ofVirtual().start(() -> {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    Socket backend = new Socket(targetHost, targetPort);
                    open.add(client);
                    open.add(backend);
                    pipe(client, backend);
                    pipe(backend, client);
                } catch (IOException closed) {
                    // cut, or the backend refused: the client sees its connection end
                }
            }
        });
    }

    private void pipe(Socket from, Socket to) {
        Thread.ofVirtual().start(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException ended) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        });
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
