package dev.eventconsumers.blobstore;

import com.google.cloud.NoCredentials;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.StorageOptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * A Cloud Storage bucket. Conditional writes use generation preconditions ({@code ifGenerationMatch}, with 0 for
 * "does not exist"), so concurrent writers cannot overwrite each other unseen.
 */
public final class GcsBlobStore implements BlobStore {
    private static final int CHUNK_GRANULE = 256 * 1024;
    private static final int MAX_CHUNK = 16 * 1024 * 1024;
    private final Supplier<Storage> storage;
    private final String bucket;

    /**
     * @param storage the client (one per process; it is thread-safe)
     * @param bucket  bucket name
     */
    public GcsBlobStore(Storage storage, String bucket) {
        this(supplied(Objects.requireNonNull(storage, "storage")), bucket);
    }

    /**
     * @param storage the client, waited for on first use (one built in the background while the service starts)
     * @param bucket  bucket name
     */
    public GcsBlobStore(Supplier<Storage> storage, String bucket) {
        this.storage = Objects.requireNonNull(storage, "storage");
        this.bucket = BlobNames.requireValidBucket(bucket);
    }

    private static Supplier<Storage> supplied(Storage storage) {
        return () -> storage;
    }

    private Storage storage() {
        return storage.get();
    }

    /**
     * @param emulatorHost e.g. {@code http://127.0.0.1:4443} for fake-gcs-server ({@code STORAGE_EMULATOR_HOST}),
     *                     which the client does not read by itself
     * @param projectId    project, if known
     * @return a client for Cloud Storage or the emulator
     */
    public static Storage client(Optional<String> emulatorHost, Optional<String> projectId) {
        StorageOptions.Builder options = StorageOptions.newBuilder();
        projectId.ifPresent(options::setProjectId);
        emulatorHost.filter(h -> !h.isBlank()).ifPresent(host -> options
                .setHost(host.startsWith("http") ? host : "http://" + host)
                .setCredentials(NoCredentials.getInstance())
                .setProjectId(projectId.orElse("local-project")));
        return options.build().getService();
    }

    @Override
    public String bucket() {
        return bucket;
    }

    @Override
    public Optional<BlobInfo> stat(String name) {
        BlobNames.requireValid(name);
        try {
            return Optional.ofNullable(storage().get(BlobId.of(bucket, name))).map(GcsBlobStore::info);
        } catch (StorageException e) {
            throw translate(e, "stat " + name);
        }
    }

    @Override
    public Optional<byte[]> read(String name) {
        BlobNames.requireValid(name);
        return readBlob(BlobId.of(bucket, name));
    }

    @Override
    public Optional<byte[]> read(String name, long generation) {
        BlobNames.requireValid(name);
        return readBlob(BlobId.of(bucket, name, generation));
    }

    private Optional<byte[]> readBlob(BlobId id) {
        try {
            return Optional.of(storage().readAllBytes(id));
        } catch (StorageException e) {
            if (e.getCode() == 404) {
                return Optional.empty();
            }
            throw translate(e, "read " + id.getName());
        }
    }

    @Override
    public void write(String name, byte[] content, String contentType, Map<String, String> metadata,
                      WriteCondition condition) {
        BlobNames.requireValid(name);
        BlobId id;
        Storage.BlobWriteOption[] options;
        switch (condition) {
            case WriteCondition.Always always -> {
                id = BlobId.of(bucket, name);
                options = new Storage.BlobWriteOption[0];
            }
            case WriteCondition.IfAbsent absent -> {
                id = BlobId.of(bucket, name);
                // The writer, not create(): the only conditional create that Google's local test helper honours.
                options = new Storage.BlobWriteOption[] {Storage.BlobWriteOption.doesNotExist()};
            }
            case WriteCondition.IfVersion version -> {
                id = BlobId.of(bucket, name, Long.parseLong(version.version()));
                options = new Storage.BlobWriteOption[] {Storage.BlobWriteOption.generationMatch()};
            }
        }
        com.google.cloud.storage.BlobInfo info = com.google.cloud.storage.BlobInfo.newBuilder(id)
                .setContentType(contentType)
                .setMetadata(metadata)
                .build();
        try (WriteChannel writer = storage().writer(info, options)) {
            writer.setChunkSize(chunkSize(content.length));
            ByteBuffer buffer = ByteBuffer.wrap(content);
            while (buffer.hasRemaining()) {
                writer.write(buffer);
            }
        } catch (StorageException e) {
            throw conditional(e, name, condition);
        } catch (IOException e) {
            if (e.getCause() instanceof StorageException storage) {
                throw conditional(storage, name, condition);
            }
            throw new BlobStoreUnavailableException("write " + name + " to gs://" + bucket + " failed", e);
        }
    }

    /**
     * The writer's buffer for one upload of {@code length} bytes: the whole content in one chunk, rounded up to the
     * 256 KiB that chunks come in, at most the client's default. Left at that default (16 MiB), every write allocated
     * 16 MiB however small the object: 50 dead letters of 1 KiB at once needed 800 MiB of a 192 MiB heap.
     */
    static int chunkSize(int length) {
        long rounded = ((long) length + CHUNK_GRANULE - 1) / CHUNK_GRANULE * CHUNK_GRANULE;
        return (int) Math.min(MAX_CHUNK, Math.max(CHUNK_GRANULE, rounded));
    }

    private RuntimeException conditional(StorageException e, String name, WriteCondition condition) {
        boolean conditional = !(condition instanceof WriteCondition.Always);
        // Cloud Storage answers 412; Google's local test helper answers 0 or 404 for the same failure.
        if (conditional && (e.getCode() == 412 || e.getCode() == 404 || e.getCode() == 0 && !e.isRetryable())) {
            return new ConditionFailedException("gs://" + bucket + "/" + name + " changed: " + condition);
        }
        return translate(e, "write " + name);
    }

    @Override
    public List<BlobInfo> list(String prefix) {
        List<BlobInfo> infos = new ArrayList<>();
        try {
            for (Blob blob : storage().list(bucket, Storage.BlobListOption.prefix(prefix)).iterateAll()) {
                infos.add(info(blob));
            }
        } catch (StorageException e) {
            throw translate(e, "list " + prefix);
        }
        infos.sort(Comparator.comparing(BlobInfo::name));
        return infos;
    }

    @Override
    public boolean delete(String name) {
        BlobNames.requireValid(name);
        try {
            return storage().delete(BlobId.of(bucket, name));
        } catch (StorageException e) {
            throw translate(e, "delete " + name);
        }
    }

    private static BlobInfo info(Blob blob) {
        Long generation = blob.getGeneration();
        return new BlobInfo(blob.getName(), blob.getSize() == null ? 0 : blob.getSize(),
                            blob.getContentType() == null ? "application/octet-stream" : blob.getContentType(),
                            generation == null ? OptionalLong.empty() : OptionalLong.of(generation),
                            generation == null ? "0" : generation.toString(),
                            blob.getMetadata() == null ? Map.of() : blob.getMetadata());
    }

    private RuntimeException translate(StorageException e, String what) {
        if (e.isRetryable() || e.getCode() == 429 || e.getCode() >= 500 || e.getCode() == 0) {
            return new BlobStoreUnavailableException(what + " in gs://" + bucket + " failed: " + e.getMessage(), e);
        }
        if (e.getCode() == 401 || e.getCode() == 403 || e.getCode() == 404) {
            // 404 here is the bucket: a missing object is an empty answer, never an exception.
            return new BlobStoreDeniedException(what + " in gs://" + bucket + " was refused (" + e.getCode() + "): "
                                                        + e.getMessage(), e);
        }
        if (e.getCode() == 400) {
            return new IllegalArgumentException(what + " in gs://" + bucket + " is not a valid request: "
                                                        + e.getMessage(), e);
        }
        return e;
    }
}
