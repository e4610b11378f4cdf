package dev.eventconsumers.blobstore;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FilesystemBlobStoreTest extends BlobStoreContract {
    @TempDir
    Path dir;
    FilesystemBlobStore store;

    @BeforeEach
    void open() {
        store = new FilesystemBlobStore(dir.resolve("demo-uploads"), "demo-uploads");
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Test
    void fileCopiedInByHandIsAnObject() throws Exception {
        Files.createDirectories(dir.resolve("demo-uploads/uploads"));
        Files.write(dir.resolve("demo-uploads/uploads/photo.jpg"), bytes("jpeg bytes"));
        assertEquals(10, store.stat("uploads/photo.jpg").orElseThrow().size());
        assertArrayEquals(bytes("jpeg bytes"), store.read("uploads/photo.jpg", 12345L).orElseThrow());
    }

    @Test
    void replaceIfUnchangedFailsAfterAnotherWrite() {
        store.write("a.txt", bytes("1"), "text/plain", Map.of(), WriteCondition.always());
        BlobInfo seen = store.stat("a.txt").orElseThrow();
        store.write("a.txt", bytes("2"), "text/plain", Map.of(), WriteCondition.ifUnchanged(seen));
        assertThrows(ConditionFailedException.class,
                     () -> store.write("a.txt", bytes("3"), "text/plain", Map.of(), WriteCondition.ifUnchanged(seen)));
        assertArrayEquals(bytes("2"), store.read("a.txt").orElseThrow());
    }

    @Test
    void theStoresOwnFolderIsNotAnObject() {
        store.write("a.txt", bytes("1"), "text/plain", Map.of(), WriteCondition.always());
        assertTrue(store.list("").stream().noneMatch(b -> b.name().startsWith(FilesystemBlobStore.META_DIR)));
        assertThrows(IllegalArgumentException.class, () -> store.stat(".blobstore/objects/a.txt.properties"));
    }
}
