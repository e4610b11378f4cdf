package dev.eventconsumers.blobstore;

/**
 * The store refuses this service for good: no permission on the bucket (403, 401) or no such bucket. Retrying the same
 * request cannot help until someone changes the deployment; the caller should say so rather than wait.
 */
public class BlobStoreDeniedException extends RuntimeException {
    /**
     * @param message what was refused
     * @param cause   the client's error
     */
    public BlobStoreDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
