package dev.eventconsumers.orders;

import dev.eventconsumers.telemetry.Tracing;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A message that must reach a Pub/Sub topic because a state change committed: it is written in the same Firestore
 * commit as the change, published afterwards, and marked sent once Pub/Sub accepted it.
 *
 * @param id          the outbox document id; deterministic (e.g. {@code ORD-...:process_payment}) so that repeating
 *                    the change cannot queue the message twice
 * @param topic       topic id, e.g. {@code order-actions}
 * @param data        message body
 * @param attributes  message attributes
 * @param orderingKey Pub/Sub ordering key (the order id), empty for none
 * @param createdAt   when it was queued
 */
public record OutboxMessage(String id, String topic, byte[] data, Map<String, String> attributes, String orderingKey,
                            Instant createdAt) {
    public OutboxMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(orderingKey, "orderingKey");
        Objects.requireNonNull(createdAt, "createdAt");
        if (id.isBlank() || id.contains("/")) {
            throw new IllegalArgumentException("outbox id must be a non-empty document id: " + id);
        }
        data = data.clone();
        attributes = Map.copyOf(attributes);
    }

    /**
     * @param attributes a message's attributes
     * @return them with the current span as {@code traceparent}, so whoever handles the message continues the trace
     *         that queued it (however late a flush publishes it)
     */
    public static Map<String, String> traced(Map<String, String> attributes) {
        Map<String, String> all = new LinkedHashMap<>(attributes);
        Tracing.traceparent().ifPresent(traceparent -> all.put("traceparent", traceparent));
        return all;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
