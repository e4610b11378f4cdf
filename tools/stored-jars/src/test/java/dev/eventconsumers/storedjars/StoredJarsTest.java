package dev.eventconsumers.storedjars;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoredJarsTest {

    @TempDir
    Path dir;

    /** A real library as Maven ships it: JUnit's own jar, deflated entry by entry. */
    static Path deflatedJar() throws URISyntaxException {
        return Path.of(Test.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    @Test
    void theSameEntriesInTheSameOrderWithTheSameBytesAllStored() throws Exception {
        Path stored = dir.resolve("out/junit.jar");
        assertTrue(StoredJars.store(deflatedJar(), stored));

        try (ZipFile original = new ZipFile(deflatedJar().toFile()); ZipFile copy = new ZipFile(stored.toFile())) {
            List<? extends ZipEntry> before = Collections.list(original.entries());
            List<? extends ZipEntry> after = Collections.list(copy.entries());
            assertTrue(before.stream().anyMatch(e -> e.getMethod() == ZipEntry.DEFLATED), "the yardstick is deflated");
            assertEquals(before.stream().map(ZipEntry::getName).toList(), after.stream().map(ZipEntry::getName).toList());
            for (int i = 0; i < before.size(); i++) {
                ZipEntry was = before.get(i);
                ZipEntry is = after.get(i);
                assertEquals(ZipEntry.STORED, is.getMethod(), is.getName());
                assertEquals(was.getTimeLocal(), is.getTimeLocal(), is.getName());
                assertEquals(was.getCrc(), is.getCrc(), is.getName());
                assertArrayEquals(read(original, was), read(copy, is), is.getName());
            }
        }
        try (JarFile original = new JarFile(deflatedJar().toFile()); JarFile copy = new JarFile(stored.toFile())) {
            assertEquals(original.getManifest(), copy.getManifest());
        }
    }

    @Test
    void gzipCompressesTheStoredJarBetterThanTheDeflatedOne() throws Exception {
        Path stored = dir.resolve("junit.jar");
        StoredJars.store(deflatedJar(), stored);

        long deflatedThenGzipped = gzippedSize(deflatedJar());
        long storedThenGzipped = gzippedSize(stored);
        assertTrue(storedThenGzipped < deflatedThenGzipped * 0.9,
                "stored and gzipped " + storedThenGzipped + " bytes, deflated and gzipped " + deflatedThenGzipped);
    }

    @Test
    void aCopyIsKeptWhileItsJarIsUnchangedAndWrittenAgainWhenTheJarChanges() throws Exception {
        Path jar = dir.resolve("lib.jar");
        Files.copy(deflatedJar(), jar);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000_000_000L));
        Path stored = dir.resolve("stored/lib.jar");

        assertTrue(StoredJars.store(jar, stored));
        assertEquals(Files.getLastModifiedTime(jar), Files.getLastModifiedTime(stored));
        assertFalse(StoredJars.store(jar, stored));

        Files.setLastModifiedTime(jar, FileTime.fromMillis(1_000_000_060_000L));
        assertTrue(StoredJars.store(jar, stored), "a newer jar");
        Files.setLastModifiedTime(jar, FileTime.fromMillis(900_000_000_000L));
        assertTrue(StoredJars.store(jar, stored), "an older jar, as when a version goes back");
    }

    @Test
    void aDamagedJarIsRefusedAndLeavesNothingBehind() throws Exception {
        Path jar = dir.resolve("damaged.jar");
        byte[] whole = Files.readAllBytes(deflatedJar());
        Files.write(jar, Arrays.copyOf(whole, whole.length / 2));
        Path stored = dir.resolve("stored/damaged.jar");

        assertThrows(ZipException.class, () -> StoredJars.store(jar, stored));
        try (var left = Files.list(stored.getParent())) {
            assertEquals(List.of(), left.toList());
        }
    }

    static byte[] read(ZipFile zip, ZipEntry entry) throws IOException {
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    static long gzippedSize(Path file) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            Files.copy(file, gzip);
        }
        return bytes.size();
    }
}
