package dev.eventconsumers.blobstore;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What every BlobStore adapter must do; each adapter's test runs it against a real backend. */
abstract class BlobStoreContract {

    abstract BlobStore store();

    /**
     * Where the backend under test cannot show that a conditional create is atomic, the adapter's test aborts here,
     * reported as not run with the reason (never as passed).
     */
    void requireAtomicConditionalCreates() {
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void writtenObjectReadsBackWithTypeAndMetadata() {
        store().write("thumbnails/200x200/uploads/a.jpg", bytes("jpeg"), "image/jpeg",
                      Map.of("original-key", "uploads/a.jpg", "generation", "7"), WriteCondition.always());
        BlobInfo info = store().stat("thumbnails/200x200/uploads/a.jpg").orElseThrow();
        assertEquals(4, info.size());
        assertEquals("image/jpeg", info.contentType());
        assertEquals(Map.of("original-key", "uploads/a.jpg", "generation", "7"), info.metadata());
        assertArrayEquals(bytes("jpeg"), store().read("thumbnails/200x200/uploads/a.jpg").orElseThrow());
    }

    @Test
    void missingObjectIsEmpty() {
        assertTrue(store().stat("uploads/none.jpg").isEmpty());
        assertTrue(store().read("uploads/none.jpg").isEmpty());
    }

    @Test
    void createIfAbsentFailsWhenTheObjectExists() {
        store().write("reports/a.json", bytes("1"), "application/json", Map.of(), WriteCondition.ifAbsent());
        assertThrows(ConditionFailedException.class, () -> store().write(
                "reports/a.json", bytes("2"), "application/json", Map.of(), WriteCondition.ifAbsent()));
        assertArrayEquals(bytes("1"), store().read("reports/a.json").orElseThrow());
    }

    @Test
    void concurrentCreatesLeaveExactlyOneWinner() throws Exception {
        requireAtomicConditionalCreates();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Boolean>> writers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                String content = "writer-" + i;
                writers.add(() -> {
                    try {
                        store().write("race.txt", bytes(content), "text/plain", Map.of(), WriteCondition.ifAbsent());
                        return true;
                    } catch (ConditionFailedException lost) {
                        return false;
                    }
                });
            }
            int winners = 0;
            for (Future<Boolean> result : pool.invokeAll(writers)) {
                winners += result.get() ? 1 : 0;
            }
            assertEquals(1, winners);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void listsByPrefixInNameOrder() {
        for (String name : List.of("dead-letters/b/2", "dead-letters/a/1", "reports/x")) {
            store().write(name, bytes(name), "text/plain", Map.of(), WriteCondition.always());
        }
        assertEquals(List.of("dead-letters/a/1", "dead-letters/b/2"),
                     store().list("dead-letters/").stream().map(BlobInfo::name).toList());
    }

    @Test
    void deleteRemovesTheObject() {
        store().write("uploads/gone.jpg", bytes("x"), "image/jpeg", Map.of(), WriteCondition.always());
        assertTrue(store().delete("uploads/gone.jpg"));
        assertFalse(store().delete("uploads/gone.jpg"));
        assertTrue(store().stat("uploads/gone.jpg").isEmpty());
    }

    @Test
    void unsafeNamesAreRefused() {
        for (String name : List.of("../etc/passwd", "/etc/passwd", "uploads/../../x", "a\u0000b", "", "a//b")) {
            assertThrows(IllegalArgumentException.class, () -> store().stat(name), name);
            assertThrows(IllegalArgumentException.class, () -> store().write(
                    name, bytes("x"), "text/plain", Map.of(), WriteCondition.always()), name);
        }
    }
}
