package dev.eventconsumers.blobstore;

/** When a write may happen; a write whose condition does not hold fails with {@link ConditionFailedException}. */
public sealed interface WriteCondition {
    /** Always write. */
    record Always() implements WriteCondition {
    }

    /** Write only if no object has that name. */
    record IfAbsent() implements WriteCondition {
    }

    /**
     * Write only if the object is still the one last seen.
     *
     * @param version {@link BlobInfo#version()} of that object
     */
    record IfVersion(String version) implements WriteCondition {
    }

    /** @return no condition */
    static WriteCondition always() {
        return new Always();
    }

    /** @return create-only */
    static WriteCondition ifAbsent() {
        return new IfAbsent();
    }

    /**
     * @param seen the object as last read
     * @return replace-only-that-version
     */
    static WriteCondition ifUnchanged(BlobInfo seen) {
        return new IfVersion(seen.version());
    }
}
