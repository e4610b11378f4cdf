package dev.eventconsumers.blobstore;

import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What a store knows about one object.
 *
 * @param name        object name within the bucket
 * @param size        bytes
 * @param contentType media type, or {@code application/octet-stream}
 * @param generation  the object's generation where the store has them (Cloud Storage); empty elsewhere
 * @param version     an opaque token that changes with every write, for {@link WriteCondition.IfVersion}
 * @param metadata    custom metadata
 */
public record BlobInfo(String name, long size, String contentType, OptionalLong generation, String version,
                       Map<String, String> metadata) {
    public BlobInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(generation, "generation");
        Objects.requireNonNull(version, "version");
        metadata = Map.copyOf(metadata);
    }
}
