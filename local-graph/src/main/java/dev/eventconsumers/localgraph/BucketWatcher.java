package dev.eventconsumers.localgraph;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
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
 * A file that is new or replaced, and unchanged over two scans (so a copy in progress is not announced), is
 * published with a {@code StorageObjectData} as Cloud Storage writes it: size, MD5 and CRC32C of the bytes, content
 * type (as the blob store
 * gives it: recorded when a service wrote the file, else probed), and a generation that grows with every
 * version. Files present at start are taken as already announced.
 */
final class BucketWatcher implements Runnable {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record Version(long size, long modified) {
    }

    private final Path root;
    private final Broker broker;
    private final DeliveryLog log;
    private final long intervalMillis;
    private final Map<Path, Version> seen = new HashMap<>();
    private final Map<Path, Version> announced = new HashMap<>();
    private final Map<Path, Long> generations = new HashMap<>();
    private final Map<String, BlobStore> stores = new HashMap<>();
    private final AtomicLong ids = new AtomicLong(System.currentTimeMillis() * 1000);
    private volatile boolean running = true;

    BucketWatcher(Path root, Broker broker, DeliveryLog log, long intervalMillis) {
        this.root = root.toAbsolutePath().normalize();
        this.broker = broker;
        this.log = log;
        this.intervalMillis = intervalMillis;
        scan().forEach((file, version) -> {
            announced.put(file, version);
            seen.put(file, version);
        });
    }

    @Override
    public void run() {
        while (running) {
            try {
                Thread.sleep(intervalMillis);
                Map<Path, Version> now = scan();
                for (Map.Entry<Path, Version> entry : now.entrySet()) {
                    Path file = entry.getKey();
                    Version version = entry.getValue();
                    if (version.equals(seen.get(file)) && !version.equals(announced.get(file))) {
                        announced.put(file, version);
                        announce(file, version);
                    }
                }
                announced.keySet().retainAll(now.keySet());
                seen.clear();
                seen.putAll(now);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.note("bucket watcher: " + e.getMessage());
            }
        }
    }

    void stop() {
        running = false;
    }

    private Map<Path, Version> scan() {
        Map<Path, Version> files = new LinkedHashMap<>();
        if (!Files.isDirectory(root)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            walk.forEach(path -> {
                Path relative = root.relativize(path);
                if (relative.getNameCount() < 2) {
                    return;
                }
                for (Path part : relative) {
                    if (part.toString().startsWith(".")) {
                        return;
                    }
                }
                try {
                    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                    if (attributes.isRegularFile()) {
                        files.put(relative, new Version(attributes.size(),
                                                        attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.MICROSECONDS)));
                    }
                } catch (IOException gone) {
                    // removed while walking: it is gone in this scan
                }
            });
        } catch (UncheckedIOException | IOException e) {
            // a folder removed while walking; the next scan sees the rest
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
        attributes.put("type", "google.cloud.storage.object.v1.finalized");
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
