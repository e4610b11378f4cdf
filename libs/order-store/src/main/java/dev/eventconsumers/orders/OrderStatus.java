package dev.eventconsumers.orders;

/** Where an order is. Status moves only forward: CREATED, PAYMENT_PROCESSED, COMPLETED; or CREATED, CANCELLED. */
public enum OrderStatus {
    CREATED, PAYMENT_PROCESSED, COMPLETED, CANCELLED;

    /** What moving from one status to another means. */
    public enum Transition {
        /** The order moves. */
        ALLOWED,
        /** The order is there already: a repeated transition changes nothing. */
        NO_OP,
        /** Never allowed: a permanent error. */
        ILLEGAL
    }

    /**
     * @param next the status wanted
     * @return allowed, no-op (same status) or illegal
     */
    public Transition to(OrderStatus next) {
        if (next == this) {
            return Transition.NO_OP;
        }
        boolean allowed = switch (this) {
            case CREATED -> next == PAYMENT_PROCESSED || next == CANCELLED;
            case PAYMENT_PROCESSED -> next == COMPLETED;
            case COMPLETED, CANCELLED -> false;
        };
        return allowed ? Transition.ALLOWED : Transition.ILLEGAL;
    }
}
