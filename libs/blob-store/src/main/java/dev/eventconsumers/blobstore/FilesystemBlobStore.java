package dev.eventconsumers.blobstore;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A bucket as a local folder, for running the services on a laptop: object {@code a/b.jpg} is the file
 * {@code ROOT/a/b.jpg}. Content type, metadata and a version token live in {@code ROOT/.blobstore/}; files copied
 * in by hand are objects too. Writes go to a temporary file that is moved into place, so readers never see half an
 * object. Conditional writes are atomic among the writers of one process. There are no generations: reading a
 * generation reads the current object.
 */
public final class FilesystemBlobStore implements BlobStore {
    /** Folder below the root that holds what the store knows besides the bytes; not an object. */
    public static final String META_DIR = ".blobstore";
    private static final int STRIPES = 64;
    private static final int MAX_SEGMENT_BYTES = 255;

    private final Path root;
    private final Path meta;
    private final String bucket;
    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];

    /**
     * @param root   the bucket's folder (created when missing)
     * @param bucket the bucket's name
     */
    public FilesystemBlobStore(Path root, String bucket) {
        this.root = root.toAbsolutePath().normalize();
        this.meta = this.root.resolve(META_DIR);
        this.bucket = BlobNames.requireValidBucket(bucket);
        for (int i = 0; i < STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
        try {
            Files.createDirectories(meta.resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create bucket folder " + root, e);
        }
    }

    @Override
    public String bucket() {
        return bucket;
    }

    /** Adds what a local file system cannot hold: a path segment over 255 bytes (ext4, APFS, NTFS alike). */
    @Override
    public String problem(String name) {
        String problem = BlobNames.problem(name);
        if (problem != null) {
            return problem;
        }
        for (String segment : name.split("/")) {
            if (segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES) {
                return "has a segment longer than " + MAX_SEGMENT_BYTES + " bytes, which a folder cannot hold";
            }
        }
        return name.equals(META_DIR) || name.startsWith(META_DIR + "/") ? "is under " + META_DIR + "/, which is reserved"
                : null;
    }


    @Override
    public Optional<BlobInfo> stat(String name) {
        Path file = file(name);
        ReentrantLock lock = lock(name);
        lock.lock();
        try {
            return info(name, file);
        } catch (IOException e) {
            throw unavailable("stat " + name, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public Optional<byte[]> read(String name) {
        try {
            return Optional.of(Files.readAllBytes(file(name)));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw unavailable("read " + name, e);
        }
    }

    @Override
    public Optional<byte[]> read(String name, long generation) {
        return read(name);
    }

    @Override
    public void write(String name, byte[] content, String contentType, Map<String, String> metadata,
                      WriteCondition condition) {
        Path file = file(name);
        ReentrantLock lock = lock(name);
        lock.lock();
        try {
            switch (condition) {
                case WriteCondition.Always always -> {
                }
                case WriteCondition.IfAbsent absent -> {
                    // existence is all it asks: no need to read the sidecar
                    if (Files.isRegularFile(file)) {
                        throw new ConditionFailedException(name + " exists already");
                    }
                }
                case WriteCondition.IfVersion version -> {
                    Optional<BlobInfo> current = info(name, file);
                    if (current.isEmpty() || !current.get().version().equals(version.version())) {
                        throw new ConditionFailedException(name + " is no longer version " + version.version());
                    }
                }
            }
            Files.createDirectories(file.getParent());
            moveIntoPlace(content, file);
            Properties properties = new Properties();
            properties.setProperty("content-type", contentType);
            properties.setProperty("version", UUID.randomUUID().toString());
            properties.setProperty("mtime", Long.toString(Files.getLastModifiedTime(file).toMillis()));
            properties.setProperty("size", Long.toString(content.length));
            metadata.forEach((key, value) -> properties.setProperty("metadata." + key, value));
            Path sidecar = sidecar(name);
            Files.createDirectories(sidecar.getParent());
            try (Writer out = new java.io.StringWriter()) {
                properties.store(out, null);
                moveIntoPlace(out.toString().getBytes(StandardCharsets.UTF_8), sidecar);
            }
        } catch (IOException e) {
            throw unavailable("write " + name, e);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public List<BlobInfo> list(String prefix) {
        List<BlobInfo> infos = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                String name = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
                if (name.startsWith(META_DIR + "/") || !name.startsWith(prefix)) {
                    continue;
                }
                info(name, file).ifPresent(infos::add);
            }
        } catch (IOException e) {
            throw unavailable("list " + prefix, e);
        }
        return infos;
    }

    @Override
    public boolean delete(String name) {
        Path file = file(name);
        ReentrantLock lock = lock(name);
        lock.lock();
        try {
            Files.deleteIfExists(sidecar(name));
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw unavailable("delete " + name, e);
        } finally {
            lock.unlock();
        }
    }

    private Optional<BlobInfo> info(String name, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        long size = Files.size(file);
        long mtime = Files.getLastModifiedTime(file).toMillis();
        Properties properties = new Properties();
        Path sidecar = sidecar(name);
        if (Files.exists(sidecar)) {
            try (Reader in = Files.newBufferedReader(sidecar, StandardCharsets.UTF_8)) {
                properties.load(in);
            }
        }
        boolean known = Long.toString(mtime).equals(properties.getProperty("mtime"))
                && Long.toString(size).equals(properties.getProperty("size"));
        if (!known) {
            // Copied in or replaced by hand: the sidecar describes an older file.
            String probed = Files.probeContentType(file);
            return Optional.of(new BlobInfo(name, size, probed == null ? "application/octet-stream" : probed,
                                            OptionalLong.empty(), "file-" + mtime + "-" + size, Map.of()));
        }
        Map<String, String> metadata = new HashMap<>();
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("metadata.")) {
                metadata.put(key.substring("metadata.".length()), properties.getProperty(key));
            }
        }
        return Optional.of(new BlobInfo(name, size, properties.getProperty("content-type"), OptionalLong.empty(),
                                        properties.getProperty("version"), metadata));
    }

    private void moveIntoPlace(byte[] content, Path target) throws IOException {
        Path temp = meta.resolve("tmp").resolve(UUID.randomUUID().toString());
        Files.write(temp, content);
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private Path file(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new IllegalArgumentException("object name " + BlobNames.printable(name) + " " + problem);
        }
        Path file = root.resolve(name).normalize();
        if (!file.startsWith(root) || file.equals(root)) {
            throw new IllegalArgumentException("object name " + BlobNames.printable(name) + " leaves the bucket");
        }
        return file;
    }

    private Path sidecar(String name) {
        return meta.resolve("objects").resolve(name + ".properties");
    }

    private ReentrantLock lock(String name) {
        return locks[Math.floorMod(name.hashCode(), STRIPES)];
    }

    private BlobStoreUnavailableException unavailable(String what, IOException e) {
        return new BlobStoreUnavailableException(what + " in folder " + root + " failed: " + e.getMessage(), e);
    }
}
