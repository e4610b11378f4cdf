package dev.eventconsumers.auth;

/** A bearer token that does not prove who the caller is: answered 401. */
public class TokenRejectedException extends Exception {
    /**
     * @param reason why, in words safe to show the caller
     */
    public TokenRejectedException(String reason) {
        super(reason);
    }
}
