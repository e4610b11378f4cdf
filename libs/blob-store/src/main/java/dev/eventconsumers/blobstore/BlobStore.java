package dev.eventconsumers.blobstore;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One bucket of objects. Implementations: {@link GcsBlobStore} (Cloud Storage) and {@link FilesystemBlobStore}
 * (a folder, for local runs). Every method may throw {@link BlobStoreUnavailableException} when the backend is
 * unreachable, and {@link BlobStoreDeniedException} when it refuses this service for good (permission, no bucket);
 * names are checked with {@link #problem(String)}, and one it refuses is an {@link IllegalArgumentException}.
 */
public interface BlobStore {

    /** @return the bucket's name */
    String bucket();

    /**
     * @param name a name an object could have here
     * @return why this store cannot hold an object of that name, or null when it can ({@link BlobNames#problem} and
     *         whatever limit the backend adds)
     */
    default String problem(String name) {
        return BlobNames.problem(name);
    }

    /**
     * @param name object name
     * @return the object's description, if it exists
     */
    Optional<BlobInfo> stat(String name);

    /**
     * @param name object name
     * @return the object's bytes, if it exists
     */
    Optional<byte[]> read(String name);

    /**
     * Reads one generation of an object. Stores without generations read the current object.
     *
     * @param name       object name
     * @param generation the generation wanted
     * @return its bytes, or empty when that generation no longer exists (replaced or deleted)
     */
    Optional<byte[]> read(String name, long generation);

    /**
     * Writes an object whole: a reader sees either the old or the new object, never a part.
     *
     * @param name        object name
     * @param content     the bytes
     * @param contentType media type
     * @param metadata    custom metadata
     * @param condition   when the write may happen
     * @throws ConditionFailedException when the condition does not hold
     */
    void write(String name, byte[] content, String contentType, Map<String, String> metadata,
                   WriteCondition condition);

    /**
     * @param prefix name prefix
     * @return the objects whose names start with it, in name order
     */
    List<BlobInfo> list(String prefix);

    /**
     * @param name object name
     * @return whether an object was deleted
     */
    boolean delete(String name);
}
