package dev.eventconsumers.storedjars;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Enumeration;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A jar rewritten with every entry stored instead of deflated: the same entries, in the same order, with the same
 * bytes, names, times and comments.
 *
 * <p>Why: a jar deflates each class on its own, with an empty dictionary, so the constant-pool strings classes share
 * (package names, descriptors) are paid for in every file, and gzip cannot compress what is already deflated. In an
 * image layer the jar is gzipped as a whole anyway; stored, its classes are compressed by that gzip, which sees them
 * one after another. The order worker's layer of 139 released libraries: 25.7 MB gzipped as Maven ships them, 19.1 MB
 * stored. Stored entries also load without being inflated.
 */
public final class StoredJars {

    private StoredJars() {
    }

    /**
     * Writes {@code jar} to {@code target} with stored entries, unless {@code target} was written from a jar with the
     * same modification time already (a copy takes its jar's time, so a jar that changes, newer or older, is written
     * again). The target is replaced atomically, so a build that stops half-way leaves no torn jar.
     *
     * @return whether the target was written
     */
    public static boolean store(Path jar, Path target) throws IOException {
        FileTime modified = Files.getLastModifiedTime(jar);
        if (Files.isRegularFile(target) && Files.getLastModifiedTime(target).equals(modified)) {
            return false;
        }
        Files.createDirectories(target.toAbsolutePath().getParent());
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        try (ZipFile in = new ZipFile(jar.toFile());
                OutputStream file = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16);
                ZipOutputStream out = new ZipOutputStream(file)) {
            if (in.getComment() != null) {
                out.setComment(in.getComment());
            }
            CRC32 crc = new CRC32();
            for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements(); ) {
                ZipEntry entry = entries.nextElement();
                byte[] data;
                try (InputStream content = in.getInputStream(entry)) {
                    data = content.readAllBytes();
                }
                ZipEntry stored = new ZipEntry(entry.getName());
                stored.setMethod(ZipEntry.STORED);
                stored.setTimeLocal(entry.getTimeLocal());
                if (entry.getComment() != null) {
                    stored.setComment(entry.getComment());
                }
                crc.reset();
                crc.update(data);
                stored.setCrc(crc.getValue());
                stored.setSize(data.length);
                stored.setCompressedSize(data.length);
                out.putNextEntry(stored);
                out.write(data);
                out.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.setLastModifiedTime(partial, modified);
        Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return true;
    }
}
