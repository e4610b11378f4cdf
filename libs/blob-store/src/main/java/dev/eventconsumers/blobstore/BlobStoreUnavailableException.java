package dev.eventconsumers.blobstore;

/** The store could not be reached or refused for now (5xx, 429, I/O error): the caller should retry later. */
public class BlobStoreUnavailableException extends RuntimeException {
    /**
     * @param message what failed
     * @param cause   the client's error
     */
    public BlobStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
