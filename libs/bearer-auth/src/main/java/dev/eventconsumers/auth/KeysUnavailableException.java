package dev.eventconsumers.auth;

/**
 * The issuer's keys cannot be fetched and the ones fetched before have expired: nothing can be verified for now.
 * Answered 503 with {@code Retry-After}; saying "your token is bad" would be a lie during the issuer's outage.
 */
public class KeysUnavailableException extends Exception {
    /**
     * @param reason what failed
     * @param cause  the key source's error
     */
    public KeysUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
