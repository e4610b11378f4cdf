package dev.eventconsumers.blobstore;

/** A conditional write found the object in another state than required: someone else wrote first. */
public class ConditionFailedException extends RuntimeException {
    /**
     * @param message what was expected
     */
    public ConditionFailedException(String message) {
        super(message);
    }
}
