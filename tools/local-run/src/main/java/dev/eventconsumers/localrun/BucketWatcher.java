package dev.eventconsumers.localrun;

import dev.eventconsumers.cloudevents.EventTypes;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventconsumers.blobstore.BlobInfo;
import dev.eventconsumers.blobstore.BlobStore;
import dev.eventconsumers.blobstore.FilesystemBlobStore;

/**
 * Cloud Storage's {@code google.cloud.storage.object.v1.finalized} for the local bucket folders: every folder below
 * the root is a bucket, every file in it (outside dot-folders such as the blob store's {@code .blobstore}) an object.
 * The folders are watched (inotify on Linux), so only files that changed are looked at: a file that is new or
 * replaced, and unchanged over two checks (so a copy in progress is not announced), is published with a
 * {@code StorageObjectData} as Cloud Storage writes it: size, MD5 and CRC32C of the bytes, content type (as the blob
 * store gives it: recorded when a service wrote the file, else probed), and a generation that grows with every
 * version. Files present at start are taken as already announced; when the watch overflows, every file is checked.
 */
final class BucketWatcher implements Runnable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record Version(long size, long modified) {
    }

    private final Path root;
    private final Broker broker;
    private final DeliveryLog log;
    private final long intervalMillis;
    private final WatchService watcher;
    private final Map<WatchKey, Path> folders = new HashMap<>();
    /** Files that changed and are not announced yet, with how they looked at the last check (null: not yet). */
    private final Map<Path, Version> pending = new HashMap<>();
    private final Map<Path, Version> announced = new HashMap<>();
    private final Map<Path, Long> generations = new HashMap<>();
    private final Map<String, BlobStore> stores = new HashMap<>();
    private final AtomicLong ids = new AtomicLong(System.currentTimeMillis() * 1000);
    private volatile boolean running = true;

    BucketWatcher(Path root, Broker broker, DeliveryLog log, long intervalMillis) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.broker = broker;
        this.log = log;
        this.intervalMillis = intervalMillis;
        this.watcher = this.root.getFileSystem().newWatchService();
        watchTree(this.root);
        announced.putAll(scan());
    }

    @Override
    public void run() {
        while (running) {
            try {
                for (WatchKey key = watcher.poll(intervalMillis, TimeUnit.MILLISECONDS); key != null;
                     key = watcher.poll()) {
                    changed(key);
                }
                check();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                log.note("bucket watcher: " + e.getMessage());
            }
        }
    }

    void stop() {
        running = false;
        try {
            watcher.close();
        } catch (IOException ignored) {
            // stopping anyway
        }
    }

    private void changed(WatchKey key) {
        Path folder = folders.get(key);
        for (WatchEvent<?> event : key.pollEvents()) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || folder == null) {
                scan().forEach((file, version) -> {
                    if (!version.equals(announced.get(file))) {
                        pending.putIfAbsent(file, null);
                    }
                });
                continue;
            }
            Path path = folder.resolve((Path) event.context());
            if (hidden(path)) {
                continue;
            }
            if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE && Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                // A new folder: watch it, and look at what was written into it before the watch began.
                watchTree(path);
                scan(path).keySet().forEach(file -> pending.putIfAbsent(file, null));
            } else if (root.relativize(path).getNameCount() >= 2) {
                pending.putIfAbsent(root.relativize(path), null);
            }
        }
        if (!key.reset()) {
            folders.remove(key);
        }
    }

    /** Announces each pending file that looks the same as at the last check; forgets those that are gone. */
    private void check() {
        for (var it = pending.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Path, Version> entry = it.next();
            Version now = version(root.resolve(entry.getKey()));
            if (now == null) {
                it.remove();
                announced.remove(entry.getKey());
            } else if (now.equals(entry.getValue())) {
                it.remove();
                if (!now.equals(announced.get(entry.getKey()))) {
                    announced.put(entry.getKey(), now);
                    announce(entry.getKey(), now);
                }
            } else {
                entry.setValue(now);
            }
        }
    }

    private void watchTree(Path top) {
        try {
            Files.walkFileTree(top, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) throws IOException {
                    if (!dir.equals(root) && hidden(dir)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    folders.put(dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                                             StandardWatchEventKinds.ENTRY_MODIFY,
                                             StandardWatchEventKinds.ENTRY_DELETE), dir);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.note("bucket watcher cannot watch " + top + ": " + e.getMessage());
        }
    }

    private boolean hidden(Path path) {
        for (Path part : root.relativize(path)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }

    private static Version version(Path file) {
        try {
            BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class,
                                                                  LinkOption.NOFOLLOW_LINKS);
            return attributes.isRegularFile() ? new Version(attributes.size(),
                    attributes.lastModifiedTime().to(TimeUnit.MICROSECONDS)) : null;
        } catch (IOException gone) {
            return null;
        }
    }

    private Map<Path, Version> scan() {
        return scan(root);
    }

    /** Every object file below {@code top}, by its path relative to the root. */
    private Map<Path, Version> scan(Path top) {
        Map<Path, Version> files = new LinkedHashMap<>();
        if (!Files.isDirectory(top)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(top)) {
            walk.forEach(path -> {
                Path relative = root.relativize(path);
                if (relative.getNameCount() >= 2 && !hidden(path)) {
                    Version version = version(path);
                    if (version != null) {
                        files.put(relative, version);
                    }
                }
            });
        } catch (UncheckedIOException | IOException e) {
            // a folder removed while walking; what is left is enough
        }
        return files;
    }

    private void announce(Path relative, Version version) {
        String bucket = relative.getName(0).toString();
        String name = relative.subpath(1, relative.getNameCount()).toString().replace('\\', '/');
        Path file = root.resolve(relative);
        byte[] md5;
        CRC32C crc = new CRC32C();
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("MD5");
            byte[] buffer = new byte[65536];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
                crc.update(buffer, 0, n);
            }
            md5 = digest.digest();
        } catch (NoSuchFileException gone) {
            return;
        } catch (IOException e) {
            log.note("cannot read " + file + ": " + e.getMessage());
            return;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long generation = Math.max(version.modified(), generations.getOrDefault(relative, 0L) + 1);
        generations.put(relative, generation);
        String contentType = contentType(bucket, name);
        Instant updated = Instant.EPOCH.plus(version.modified(), ChronoUnit.MICROS).truncatedTo(ChronoUnit.MILLIS);
        String encoded = URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        ObjectNode data = MAPPER.createObjectNode()
                .put("kind", "storage#object")
                .put("id", bucket + "/" + name + "/" + generation)
                .put("selfLink", "https://www.googleapis.com/storage/v1/b/" + bucket + "/o/" + encoded)
                .put("name", name)
                .put("bucket", bucket)
                .put("generation", Long.toString(generation))
                .put("metageneration", "1")
                .put("contentType", contentType)
                .put("timeCreated", updated.toString())
                .put("updated", updated.toString())
                .put("storageClass", "STANDARD")
                .put("timeStorageClassUpdated", updated.toString())
                .put("size", Long.toString(version.size()))
                .put("md5Hash", Base64.getEncoder().encodeToString(md5))
                .put("mediaLink", "https://storage.googleapis.com/download/storage/v1/b/" + bucket + "/o/" + encoded
                        + "?generation=" + generation + "&alt=media")
                .put("crc32c", Base64.getEncoder().encodeToString(new byte[]{
                        (byte) (crc.getValue() >>> 24), (byte) (crc.getValue() >>> 16),
                        (byte) (crc.getValue() >>> 8), (byte) crc.getValue()}))
                .put("etag", etag(generation));
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("specversion", "1.0");
        attributes.put("id", Long.toString(ids.incrementAndGet()));
        attributes.put("source", "//storage.googleapis.com/projects/_/buckets/" + bucket);
        attributes.put("type", EventTypes.STORAGE_OBJECT_FINALIZED);
        attributes.put("subject", "objects/" + name);
        attributes.put("time", Instant.now().toString());
        attributes.put("bucket", bucket);
        try {
            broker.publish(new Event(attributes, "application/json", MAPPER.writeValueAsBytes(data)));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Cloud Storage's ETag: generation (field 1) and metageneration (field 2) as a protobuf message, base64. */
    static String etag(long generation) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.write(0x08);
        for (long v = generation; ; v >>>= 7) {
            if ((v & ~0x7FL) == 0) {
                out.write((int) v);
                break;
            }
            out.write((int) ((v & 0x7F) | 0x80));
        }
        out.write(0x10);
        out.write(0x01);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    /**
     * The content type the blob store gives the object: the one recorded when a service wrote it, else the one it
     * probes from the file, as for every file copied in by hand.
     */
    private String contentType(String bucket, String name) {
        try {
            return stores.computeIfAbsent(bucket, b -> new FilesystemBlobStore(root.resolve(b), b)).stat(name)
                    .map(BlobInfo::contentType).orElse("application/octet-stream");
        } catch (RuntimeException notABucketName) {
            return "application/octet-stream";
        }
    }
}
