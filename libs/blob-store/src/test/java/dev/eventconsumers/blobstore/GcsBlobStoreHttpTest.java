package dev.eventconsumers.blobstore;

import dev.eventconsumers.testkit.GcsStandIn;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Cloud Storage adapter with the services' own client on its own transport (the JSON API over HTTP), against the
 * build's stand-in for it ({@link GcsStandIn}), where {@link GcsBlobStoreTest}'s in-process helper skips the
 * transport: the answers Cloud Storage gives (412 on a failed precondition, 404, generations) as the client turns
 * them into exceptions, which the adapter must map. The stand-in applies a precondition atomically, as Cloud Storage
 * does; that the real service does so is Google's to show, not this test's.
 */
class GcsBlobStoreHttpTest extends BlobStoreContract {
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static GcsStandIn gcs;
    private static com.google.cloud.storage.Storage client;
    private GcsBlobStore store;

    @BeforeAll
    static void start() {
        gcs = GcsStandIn.start();
        client = GcsBlobStore.client(Optional.of(gcs.endpoint()), Optional.of("test"));
    }

    @AfterAll
    static void stop() {
        gcs.close();
    }

    @BeforeEach
    void open() {
        store = new GcsBlobStore(client, "bucket-" + BUCKETS.incrementAndGet());
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Test
    void aWriteIfUnchangedFailsOnceAnotherWriteReplacedTheObject() {
        store.write("thumbnails/a.jpg", bytes("one"), "image/jpeg", Map.of(), WriteCondition.ifAbsent());
        BlobInfo first = store.stat("thumbnails/a.jpg").orElseThrow();
        store.write("thumbnails/a.jpg", bytes("two"), "image/jpeg", Map.of(), WriteCondition.ifUnchanged(first));
        BlobInfo second = store.stat("thumbnails/a.jpg").orElseThrow();
        assertNotEquals(first.version(), second.version());

        assertThrows(ConditionFailedException.class, () -> store.write(
                "thumbnails/a.jpg", bytes("stale"), "image/jpeg", Map.of(), WriteCondition.ifUnchanged(first)));
        assertArrayEquals(bytes("two"), store.read("thumbnails/a.jpg").orElseThrow());
    }

    @Test
    void aReplacedGenerationReadsAsGoneAndTheCurrentOneReadsBack() {
        store.write("uploads/p.jpg", bytes("old"), "image/jpeg", Map.of(), WriteCondition.always());
        long old = store.stat("uploads/p.jpg").orElseThrow().generation().orElseThrow();
        store.write("uploads/p.jpg", bytes("new"), "image/jpeg", Map.of(), WriteCondition.always());
        long current = store.stat("uploads/p.jpg").orElseThrow().generation().orElseThrow();
        assertTrue(current > old);

        assertEquals(Optional.empty(), store.read("uploads/p.jpg", old));
        assertArrayEquals(bytes("new"), store.read("uploads/p.jpg", current).orElseThrow());
    }

    @Test
    void anObjectLargerThanOneChunkIsWrittenWhole() {
        byte[] large = new byte[3 * 256 * 1024 + 17];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        store.write("reports/large.bin", large, "application/octet-stream", Map.of("k", "v"), WriteCondition.ifAbsent());
        assertArrayEquals(large, store.read("reports/large.bin").orElseThrow());
        assertEquals(large.length, store.stat("reports/large.bin").orElseThrow().size());
    }
}
