package dev.eventconsumers.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

/**
 * A loopback TCP forwarder in front of a real server (an emulator), for outages that a test switches on and off:
 * {@link #cut()} closes the listener and every open connection, so clients see the backend go away as they would
 * in production (connection refused, reset); {@link #restore()} listens again on the same port. {@link #holdReplies()}
 * keeps what the backend answers from the clients, while their requests still reach it, until
 * {@link #releaseReplies()}: a reply lost or late after the backend acted, as a client sees it when its deadline runs
 * out. Nothing about the protocol is faked: bytes pass through unchanged. {@link #terminatingTls} makes it a TLS front
 * instead (as a load balancer in front of a plaintext backend is), to show that a client reaches a backend over TLS.
 */
public final class TcpProxy implements AutoCloseable {
    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Optional<SSLContext> tls;
    private final List<String> negotiated = new CopyOnWriteArrayList<>();
    private volatile ServerSocket listener;
    private boolean holding;

    /**
     * @param target {@code host:port} to forward to
     */
    public TcpProxy(String target) {
        this(target, Optional.empty());
    }

    private TcpProxy(String target, Optional<SSLContext> tls) {
        int colon = target.lastIndexOf(':');
        this.targetHost = target.substring(0, colon);
        this.targetPort = Integer.parseInt(target.substring(colon + 1));
        this.tls = tls;
        this.listener = bind(0);
        this.port = listener.getLocalPort();
        accept(listener);
    }

    /**
     * A proxy that clients reach over TLS, offering HTTP/2 by ALPN, and that forwards the decrypted bytes to the
     * plaintext backend (a gRPC server speaks HTTP/2 without TLS to it, as gRPC's own clients do with plaintext).
     *
     * @param target {@code host:port} to forward to
     * @param server the context with the certificate the proxy presents
     */
    public static TcpProxy terminatingTls(String target, SSLContext server) {
        return new TcpProxy(target, Optional.of(server));
    }

    /** @return the application protocol each TLS connection agreed on ({@code ""} for none), in order */
    public List<String> negotiatedProtocols() {
        return List.copyOf(negotiated);
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

    /** From now on the backend's bytes wait in the proxy; the clients' bytes still reach the backend. */
    public synchronized void holdReplies() {
        holding = true;
    }

    /** What the backend answered meanwhile, and everything after it, reaches the clients again. */
    public synchronized void releaseReplies() {
        holding = false;
        notifyAll();
    }

    @Override
    public void close() {
        releaseReplies();
        cut();
    }

    private ServerSocket bind(int port) {
        try {
            ServerSocket socket = tls.isPresent() ? tls.get().getServerSocketFactory().createServerSocket()
                    : new ServerSocket();
            if (socket instanceof SSLServerSocket secure) {
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setApplicationProtocols(new String[]{"h2"});
                secure.setSSLParameters(parameters);
            }
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
                    // accept() may return a connection just as cut() runs, after cut() walked the open ones: it must
                    // not outlive the cut, so it is kept only while its listener is still the open one.
                    if (keep(client, server)) {
                        Thread.ofVirtual().start(() -> connect(client));
                    }
                } catch (IOException closed) {
                    // cut: no new connections
                }
            }
        });
    }

    /** Keeps a socket among the open ones if its listener has not been cut, else closes it; false if closed. */
    private synchronized boolean keep(Socket socket, ServerSocket server) {
        if (server != listener || server.isClosed()) {
            closeQuietly(socket);
            return false;
        }
        open.add(socket);
        return true;
    }

    private void connect(Socket client) {
        try {
            if (client instanceof SSLSocket secure) {
                secure.startHandshake();
                negotiated.add(secure.getApplicationProtocol());
            }
            Socket backend = new Socket(targetHost, targetPort);
            synchronized (this) {
                if (!open.contains(client)) {   // cut meanwhile
                    closeQuietly(backend);
                    closeQuietly(client);
                    return;
                }
                open.add(backend);
            }
            pipe(client, backend, false);
            pipe(backend, client, true);
        } catch (IOException e) {
            // a failed handshake, or the backend refused: the client sees its connection end
            closeQuietly(client);
            open.remove(client);
        }
    }

    private void pipe(Socket from, Socket to, boolean replies) {
        Thread.ofVirtual().start(() -> {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                byte[] buffer = new byte[16384];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    if (replies) {
                        awaitRelease();
                    }
                    out.write(buffer, 0, n);
                }
            } catch (IOException | InterruptedException ended) {
                // one side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
                open.remove(from);
                open.remove(to);
            }
        });
    }

    private synchronized void awaitRelease() throws InterruptedException {
        while (holding) {
            wait();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
