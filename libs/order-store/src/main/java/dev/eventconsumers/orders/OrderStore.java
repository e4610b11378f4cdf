package dev.eventconsumers.orders;

import java.util.List;
import java.util.Optional;

/** Orders by id, with optimistic concurrency, and by customer, newest first. */
public interface OrderStore {

    /**
     * @param order   the order
     * @param version its version: the store's update time in microseconds (an ETag for the API)
     */
    record Versioned(Order order, long version) {
    }

    /**
     * @param orders    this page, newest first
     * @param nextToken the opaque token of the next page, if there is one
     */
    record Page(List<Order> orders, Optional<String> nextToken) {
    }

    /**
     * @param key         the client's {@code Idempotency-Key}, scoped to one customer
     * @param requestHash a hash of what the request asked for: the same key with another request is refused
     */
    record IdempotencyKey(String customerId, String key, String requestHash) {
        /** @return the document id: a hash, so any key text is a valid id and ids do not reveal keys */
        public String documentId() {
            return Hashes.sha256Hex(customerId + "\n" + key);
        }
    }

    /**
     * @param order    the order made by this request, or by the earlier request with the same idempotency key
     * @param replayed whether it was made earlier
     */
    record Created(Versioned order, boolean replayed) {
    }

    /**
     * @param order a new order
     * @return it, with its version
     * @throws AlreadyExistsException when an order has its id
     */
    Versioned create(Order order);

    /**
     * Creates an order and queues its outbox messages in one commit; with an idempotency key, a repeated request
     * gets the order the first one made.
     *
     * @param order  a new order
     * @param outbox messages that must be published because the order exists
     * @param key    the request's idempotency key, if it has one
     * @return the created (or earlier) order
     * @throws AlreadyExistsException      when an order has its id
     * @throws IdempotencyConflictException when the key was used with another request
     */
    Created create(Order order, List<OutboxMessage> outbox, Optional<IdempotencyKey> key);

    /**
     * @param orderId id
     * @return the order, if it exists
     */
    Optional<Versioned> get(String orderId);

    /**
     * @param order           the new state (same id)
     * @param expectedVersion the version it was derived from
     * @return the stored order with its new version
     * @throws ConcurrentChangeException when the order changed since (or is gone)
     */
    Versioned replace(Order order, long expectedVersion);

    /**
     * @param orderId id
     * @return whether an order was deleted
     */
    boolean delete(String orderId);

    /**
     * @param customerId whose orders
     * @param limit      page size
     * @param pageToken  from the previous page, if any
     * @return one page, newest first
     * @throws IllegalArgumentException on a token this store did not make
     */
    Page listByCustomer(String customerId, int limit, Optional<String> pageToken);

    /** An order with that id exists already. */
    class AlreadyExistsException extends RuntimeException {
        /** @param orderId the id */
        public AlreadyExistsException(String orderId) {
            super("order " + orderId + " exists already");
        }
    }

    /** An idempotency key was used before for a different request. */
    class IdempotencyConflictException extends RuntimeException {
        /** @param message what conflicts */
        public IdempotencyConflictException(String message) {
            super(message);
        }
    }

    /** The order changed since it was read. */
    class ConcurrentChangeException extends RuntimeException {
        /** @param orderId the id */
        public ConcurrentChangeException(String orderId) {
            super("order " + orderId + " changed since it was read");
        }
    }

    /** The store cannot be reached or refused for now: retry later. */
    class StoreUnavailableException extends RuntimeException {
        /**
         * @param message what failed
         * @param cause   the client's error
         */
        public StoreUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
