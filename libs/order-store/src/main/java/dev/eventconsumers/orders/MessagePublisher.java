package dev.eventconsumers.orders;

import java.util.List;
import java.util.Set;

/** Hands messages to Pub/Sub. */
public interface MessagePublisher extends AutoCloseable {
    /**
     * Publishes every message and waits for Pub/Sub's answers. A failed message (Pub/Sub down, timeout) is left
     * out of the answer, not thrown: it stays in the outbox for the next flush.
     *
     * @param messages messages to publish
     * @return the ids of the messages Pub/Sub accepted
     */
    Set<String> publish(List<OutboxMessage> messages);

    @Override
    void close();
}
