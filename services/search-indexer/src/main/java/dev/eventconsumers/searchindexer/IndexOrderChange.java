package dev.eventconsumers.searchindexer;

import dev.eventconsumers.ordersearch.SearchIndex;
import com.google.events.cloud.firestore.v1.DocumentEventData;
import dev.eventconsumers.cloudevents.EventOutcome;
import dev.eventconsumers.cloudevents.TypedEvent;

import java.util.Optional;

/** The use case: keep the index equal to Firestore's {@code orders} collection, one change at a time. */
public final class IndexOrderChange {
    private final SearchIndex index;

    /**
     * @param index where orders are indexed
     */
    public IndexOrderChange(SearchIndex index) {
        this.index = index;
    }

    /**
     * @param event a Firestore document change
     * @return done (indexed, stale, not an order), reject (the index refuses the document), retry (unavailable)
     */
    public EventOutcome handle(TypedEvent<DocumentEventData> event) {
        OrderChange change = OrderChange.of(event.data(), Optional.ofNullable(event.cloudEvent().getTime()));
        try {
            return switch (change) {
                case OrderChange.NotAnOrder other -> EventOutcome.done("skipped: " + other.path() + " is no order");
                case OrderChange.Upsert upsert -> outcome(index.write(upsert.id(), upsert.version(), upsert.source()),
                                                          "indexed", upsert.id(), upsert.version());
                case OrderChange.Tombstone tombstone -> outcome(
                        index.write(tombstone.id(), tombstone.version(), tombstone.source()), "deleted", tombstone.id(),
                        tombstone.version());
            };
        } catch (SearchIndex.SearchUnavailableException e) {
            return EventOutcome.retry("search index unavailable: " + e.getMessage());
        } catch (SearchIndex.DocumentRejectedException e) {
            return EventOutcome.reject("the search index refuses order " + idOf(change) + ": " + e.getMessage());
        }
    }

    private static EventOutcome outcome(SearchIndex.Written written, String what, String id, long version) {
        return written == SearchIndex.Written.WRITTEN ? EventOutcome.done(what + " " + id + " at version " + version)
                : EventOutcome.done("stale: " + id + " is at version " + version + " or newer already");
    }

    private static String idOf(OrderChange change) {
        return switch (change) {
            case OrderChange.Upsert u -> u.id();
            case OrderChange.Tombstone t -> t.id();
            case OrderChange.NotAnOrder n -> n.path();
        };
    }
}
