package dev.eventconsumers.blobstore;

/**
 * A conditional write found the object in another state than required: someone else wrote first. An expected outcome
 * its caller handles (a duplicate delivery, a lost race), so it carries no stack trace: filling one in was a tenth of
 * the dead-letter sink's cost per repeated event.
 */
public class ConditionFailedException extends RuntimeException {
    /**
     * @param message what was expected
     */
    public ConditionFailedException(String message) {
        super(message, null, false, false);
    }
}
