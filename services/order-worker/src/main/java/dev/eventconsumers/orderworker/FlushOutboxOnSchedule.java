package dev.eventconsumers.orderworker;

import dev.eventconsumers.cloudevents.EventOutcome;
import dev.eventconsumers.orders.FlushOutbox;
import dev.eventconsumers.orders.OrderStore;

/**
 * The outbox-flush schedule (Knative PingSource, or Cloud Scheduler with an OIDC token of its own account): publishes
 * the order actions the API and the worker could not publish at once. It runs here, on the private worker, so the
 * public API takes no events at all. Whatever the tick carries, the flush is the same, so duplicates and stray ticks
 * are harmless; a flush that could not publish everything asks for a retry.
 */
final class FlushOutboxOnSchedule {
    private final FlushOutbox flush;

    FlushOutboxOnSchedule(FlushOutbox flush) {
        this.flush = flush;
    }

    EventOutcome handle() {
        try {
            FlushOutbox.Result result = flush.flush();
            if (result.failed() > 0) {
                return EventOutcome.retry("Pub/Sub did not accept " + result.failed() + " outbox messages ("
                                                  + result.sent() + " sent)");
            }
            return EventOutcome.done("outbox flushed: " + result.sent() + " sent");
        } catch (OrderStore.StoreUnavailableException e) {
            return EventOutcome.retry("the outbox cannot be read: " + e.getMessage());
        }
    }
}
