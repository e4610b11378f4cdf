package dev.eventconsumers.orders;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** The messages committed with a state change and not yet accepted by Pub/Sub. */
public interface Outbox {
    /**
     * @param limit at most this many
     * @return pending messages, oldest first
     * @throws OrderStore.StoreUnavailableException when the store cannot be reached
     */
    List<OutboxMessage> pending(int limit);

    /**
     * @param ids messages Pub/Sub accepted
     * @param at  when
     * @throws OrderStore.StoreUnavailableException when the store cannot be reached
     */
    void markSent(Collection<String> ids, Instant at);
}
