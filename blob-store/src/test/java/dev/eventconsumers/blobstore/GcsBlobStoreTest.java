package dev.eventconsumers.blobstore;

import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.api.gax.retrying.RetrySettings;
import com.google.cloud.NoCredentials;
import com.google.cloud.storage.StorageOptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The Cloud Storage adapter through Google's {@code LocalStorageHelper}, which serves the real {@code Storage} API in
 * memory (there is no Cloud Storage server to run here). It has no generations, so generation preconditions are
 * checked against real Cloud Storage only.
 */
class GcsBlobStoreTest extends BlobStoreContract {
    GcsBlobStore store;

    @BeforeEach
    void open() {
        store = new GcsBlobStore(LocalStorageHelper.customOptions(false).getService(), "demo-uploads");
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Test
    void unreachableStorageIsUnavailableNotAnError() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        GcsBlobStore unreachable = new GcsBlobStore(StorageOptions.newBuilder()
                .setHost("http://127.0.0.1:" + closedPort)
                .setProjectId("test")
                .setCredentials(NoCredentials.getInstance())
                .setRetrySettings(RetrySettings.newBuilder().setMaxAttempts(1).build())
                .build().getService(), "demo-uploads");
        assertThrows(BlobStoreUnavailableException.class, () -> unreachable.stat("uploads/a.jpg"));
        assertThrows(BlobStoreUnavailableException.class, () -> unreachable.read("uploads/a.jpg"));
        assertThrows(BlobStoreUnavailableException.class, () -> unreachable.write(
                "uploads/a.jpg", bytes("x"), "image/jpeg", Map.of(), WriteCondition.ifAbsent()));
    }
}
