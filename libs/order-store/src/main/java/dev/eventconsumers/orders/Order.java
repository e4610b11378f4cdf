package dev.eventconsumers.orders;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * An order as stored in Firestore {@code orders/{orderId}}.
 *
 * @param orderId    e.g. {@code ORD-20261127-1a2b3c4d}
 * @param customerId whose order it is
 * @param totalCents exact total
 * @param currency   ISO 4217 code
 * @param items      what was ordered
 * @param status     where it is
 * @param createdAt  when it was created
 * @param updatedAt  when it last changed
 */
public record Order(String orderId, String customerId, long totalCents, String currency, List<String> items,
                    OrderStatus status, Instant createdAt, Instant updatedAt) {
    public Order {
        Objects.requireNonNull(orderId, "orderId");
        Objects.requireNonNull(customerId, "customerId");
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
        items = List.copyOf(items);
    }

    /**
     * @param next new status
     * @param at   when
     * @return this order in that status
     */
    public Order withStatus(OrderStatus next, Instant at) {
        return new Order(orderId, customerId, totalCents, currency, items, next, createdAt, at);
    }
}
