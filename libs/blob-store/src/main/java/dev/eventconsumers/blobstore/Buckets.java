package dev.eventconsumers.blobstore;

import dev.eventconsumers.runtime.Background;
import io.helidon.config.Config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Hands out a {@link BlobStore} per bucket name, all of one kind, chosen by config ({@code blobstore}; each key
 * can be set from the environment, e.g. {@code BLOBSTORE_KIND}):
 * <pre>
 * blobstore:
 *   kind: filesystem      # or gcs (the default)
 *   root: local/buckets   # filesystem: one folder per bucket below it
 *   emulator: host:port   # gcs: a fake-gcs-server; STORAGE_EMULATOR_HOST works too
 * </pre>
 */
public final class Buckets {
    private final Map<String, BlobStore> stores = new ConcurrentHashMap<>();
    private final java.util.function.Function<String, BlobStore> factory;

    private Buckets(java.util.function.Function<String, BlobStore> factory) {
        this.factory = factory;
    }

    /**
     * @param root folder that holds one folder per bucket
     * @return folder-backed buckets
     */
    public static Buckets filesystem(Path root) {
        return new Buckets(bucket -> new FilesystemBlobStore(root.resolve(BlobNames.requireValidBucket(bucket)), bucket));
    }

    /**
     * @param storage Cloud Storage client
     * @return Cloud Storage buckets
     */
    public static Buckets gcs(com.google.cloud.storage.Storage storage) {
        return new Buckets(bucket -> new GcsBlobStore(storage, bucket));
    }

    /**
     * @param storage the client, waited for on first use (one built in the background while the service starts)
     * @return buckets on Cloud Storage
     */
    public static Buckets gcs(Supplier<com.google.cloud.storage.Storage> storage) {
        return new Buckets(bucket -> new GcsBlobStore(storage, bucket));
    }

    /**
     * @param config    the {@code blobstore} node (its defaults are in the service's {@code application.yaml})
     * @param projectId Google Cloud project, if known
     * @return buckets of the configured kind
     */
    public static Buckets fromConfig(Config config, Optional<String> projectId) {
        String kind = config.get("kind").asString().get();
        return switch (kind) {
            case "filesystem" -> filesystem(Path.of(config.get("root").asString().get()));
            case "gcs" -> {
                Optional<String> emulator = config.get("emulator").asString().asOptional()
                        .or(() -> Optional.ofNullable(System.getenv("STORAGE_EMULATOR_HOST")));
                yield gcs(Background.start("storage-client", () -> GcsBlobStore.client(emulator, projectId)));
            }
            default -> throw new IllegalArgumentException("blobstore.kind must be filesystem or gcs, not " + kind);
        };
    }

    /**
     * @param name bucket name
     * @return its store
     */
    public BlobStore bucket(String name) {
        return stores.computeIfAbsent(BlobNames.requireValidBucket(name), factory);
    }
}
