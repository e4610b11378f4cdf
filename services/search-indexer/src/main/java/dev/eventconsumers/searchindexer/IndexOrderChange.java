package dev.eventconsumers.searchindexer;

import dev.eventconsumers.ordersearch.SearchIndex;
import com.google.events.cloud.firestore.v1.DocumentEventData;
import dev.eventconsumers.cloudevents.EventOutcome;
import dev.eventconsumers.cloudevents.TypedEvent;

import dev.eventconsumers.telemetry.Meters;

import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The use case: keep the index equal to Firestore's {@code orders} collection, one change at a time. Each change is
 * handled in the trace its writer stored on the document ({@code traceparent}: the binding reads it), and counted in
 * {@code index.writes} (by result: written, stale, rejected, unavailable) with its lag, from the document's update
 * time to now, in {@code index.lag}.
 */
public final class IndexOrderChange {
    private static final java.util.List<String> RESULTS = java.util.List.of("written", "stale", "rejected", "unavailable");
    private final SearchIndex index;
    private final Clock clock;

    /**
     * @param index where orders are indexed
     */
    public IndexOrderChange(SearchIndex index) {
        this(index, Clock.systemUTC());
    }

    IndexOrderChange(SearchIndex index, Clock clock) {
        this.index = index;
        this.clock = clock;
        Meters.registerSoon(() -> {
            RESULTS.forEach(IndexOrderChange::writes);
            lag();
        });
    }

    static io.helidon.metrics.api.Counter writes(String result) {
        return Meters.counter("index.writes", "order changes applied to the search index, by result", "result", result);
    }

    static io.helidon.metrics.api.Timer lag() {
        return Meters.timer("index.lag", "from a change's commit in Firestore to its write in the index");
    }

    /**
     * @param event a Firestore document change
     * @return done (indexed, stale, not an order), reject (the index refuses the document), retry (unavailable)
     */
    public EventOutcome handle(TypedEvent<DocumentEventData> event) {
        // The binding runs this in the trace the document carries (the writer's traceparent field).
        OrderChange change = OrderChange.of(event.data(), Optional.ofNullable(event.cloudEvent().getTime()));
        return switch (change) {
            case OrderChange.NotAnOrder other -> EventOutcome.done("skipped: " + other.path() + " is no order");
            case OrderChange.Upsert upsert -> write(upsert.id(), upsert.version(), upsert.source(), "indexed");
            case OrderChange.Tombstone tombstone -> write(tombstone.id(), tombstone.version(), tombstone.source(),
                                                          "deleted");
        };
    }

    private EventOutcome write(String id, long version, java.util.Map<String, Object> source, String what) {
        try {
            SearchIndex.Written written = index.write(id, version, source);
            writes(written == SearchIndex.Written.WRITTEN ? "written" : "stale").increment();
            // The version is the change's commit time in microseconds.
            lag().record(Math.max(0, clock.millis() * 1000 - version), TimeUnit.MICROSECONDS);
            return outcome(written, what, id, version);
        } catch (SearchIndex.SearchUnavailableException e) {
            writes("unavailable").increment();
            return EventOutcome.retry("search index unavailable: " + e.getMessage());
        } catch (SearchIndex.DocumentRejectedException e) {
            writes("rejected").increment();
            return EventOutcome.reject("the search index refuses order " + id + ": " + e.getMessage());
        }
    }

    private static EventOutcome outcome(SearchIndex.Written written, String what, String id, long version) {
        return written == SearchIndex.Written.WRITTEN ? EventOutcome.done(what + " " + id + " at version " + version)
                : EventOutcome.done("stale: " + id + " is at version " + version + " or newer already");
    }
}
