package dev.eventconsumers.ordersapi;

import dev.eventconsumers.cloudevents.CloudEventService;
import dev.eventconsumers.cloudevents.EventOutcome;
import dev.eventconsumers.cloudevents.EventTypes;
import dev.eventconsumers.cloudevents.GooglePayloads;
import dev.eventconsumers.orders.FlushOutbox;
import dev.eventconsumers.orders.OrderStore;

/**
 * {@code POST /}: a scheduled event (Knative PingSource, Cloud Scheduler through Eventarc or by plain HTTP) flushes
 * the outbox. Whatever the event carries, the flush is the same, so duplicates and stray ticks are harmless; a flush
 * that could not publish everything asks for a retry.
 */
final class OutboxFlushEvents {
    private OutboxFlushEvents() {
    }

    static CloudEventService events(FlushOutbox flush, int maxBatch) {
        return CloudEventService.builder().maxBatch(maxBatch)
                .on(EventTypes.KNATIVE_PING, GooglePayloads.ping(), event -> flush(flush))
                .on(EventTypes.SCHEDULER_JOB_EXECUTED, GooglePayloads.schedulerJob(), event -> flush(flush))
                .build();
    }

    private static EventOutcome flush(FlushOutbox flush) {
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
