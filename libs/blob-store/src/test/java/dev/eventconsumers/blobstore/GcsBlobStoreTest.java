package dev.eventconsumers.blobstore;

import dev.eventconsumers.testkit.UnreachableStorage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The Cloud Storage adapter through Google's {@code LocalStorageHelper}, which serves the real {@code Storage} API in
 * memory (there is no Cloud Storage server to run here). It has no generations and skips the client's transport:
 * generation preconditions, the 412 and concurrent creates go through {@link GcsBlobStoreHttpTest}.
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

    @Override
    void requireAtomicConditionalCreates() {
        // Seen here: 2 of 8 concurrent doesNotExist writers both succeeded on the helper; Cloud Storage answers 412.
        Assumptions.abort("not run: Google's LocalStorageHelper checks doesNotExist and writes in two steps, so "
                                  + "concurrent creates can both win there; atomicity is Cloud Storage's (412)");
    }

    @Test
    void unreachableStorageIsUnavailableNotAnError() {
        GcsBlobStore unreachable = new GcsBlobStore(UnreachableStorage.client(), "demo-uploads");
        assertThrows(BlobStoreUnavailableException.class, () -> unreachable.stat("uploads/a.jpg"));
        assertThrows(BlobStoreUnavailableException.class, () -> unreachable.read("uploads/a.jpg"));
        assertThrows(BlobStoreUnavailableException.class, () -> unreachable.write(
                "uploads/a.jpg", bytes("x"), "image/jpeg", Map.of(), WriteCondition.ifAbsent()));
    }

    @Test
    void anUploadBuffersItsContentRoundedUpToWholeChunksNotTheClientsSixteenMebibytes() {
        assertEquals(256 * 1024, GcsBlobStore.chunkSize(0));
        assertEquals(256 * 1024, GcsBlobStore.chunkSize(1024));
        assertEquals(256 * 1024, GcsBlobStore.chunkSize(256 * 1024));
        assertEquals(512 * 1024, GcsBlobStore.chunkSize(256 * 1024 + 1));
        assertEquals(16 * 1024 * 1024, GcsBlobStore.chunkSize(16 * 1024 * 1024 - 4096));
        assertEquals(16 * 1024 * 1024, GcsBlobStore.chunkSize(Integer.MAX_VALUE));
    }
}
