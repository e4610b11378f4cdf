package dev.eventconsumers.testkit;

import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** A real Storage client pointed at a loopback port nobody listens on: "storage down", without a mock. */
public final class UnreachableStorage {
    private UnreachableStorage() {
    }

    /** @return a client whose every call fails to connect, at once (one attempt) */
    public static Storage client() {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return StorageOptions.newBuilder()
                .setHost("http://127.0.0.1:" + closedPort)
                .setProjectId("test")
                .setCredentials(NoCredentials.getInstance())
                .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(1).build())
                .build().getService();
    }
}
