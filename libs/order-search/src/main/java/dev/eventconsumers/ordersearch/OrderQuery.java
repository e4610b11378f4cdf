package dev.eventconsumers.ordersearch;

import java.util.Optional;

/**
 * A search over indexed orders: full text on items and ids, exact customer and status, newest first.
 *
 * @param text       words to find, if any
 * @param customerId only this customer's orders, if given
 * @param status     only orders in this status, if given
 * @param from       offset of the first result
 * @param size       results per page, 1..100
 */
public record OrderQuery(Optional<String> text, Optional<String> customerId, Optional<String> status, int from,
                         int size) {
    /** OpenSearch's default window: from + size beyond it is refused. */
    public static final int MAX_WINDOW = 10_000;

    public OrderQuery {
        if (size < 1 || size > 100) {
            throw new IllegalArgumentException("size must be 1..100, not " + size);
        }
        if (from < 0 || (long) from + size > MAX_WINDOW) {
            throw new IllegalArgumentException("from must be 0.." + (MAX_WINDOW - size) + ", not " + from);
        }
        text = text.filter(t -> !t.isBlank());
        customerId = customerId.filter(t -> !t.isBlank());
        status = status.filter(t -> !t.isBlank());
    }
}
