package dev.eventconsumers.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;

/** Loopback ports: a free one to listen on, and whether one is taken. */
public final class FreePort {
    private FreePort() {
    }

    /** @return a port nobody listens on right now */
    public static int find() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param port a port
     * @return whether something answers on it on 127.0.0.1
     */
    public static boolean inUse(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
