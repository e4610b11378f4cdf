package dev.eventconsumers.orders;

import dev.eventconsumers.telemetry.Meters;
import dev.eventconsumers.telemetry.Span;
import dev.eventconsumers.telemetry.Tracing;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Hands outbox messages to Pub/Sub: right after the commit that queued them ({@link #send(List)}), and again from a
 * scheduled flush ({@link #flush()}) for whatever that first attempt could not publish. Delivery is at least once:
 * a message can be published twice if marking it sent fails, so consumers deduplicate (the order worker does).
 */
public final class FlushOutbox {
    /** Messages per page of a flush. */
    static final int PAGE = 100;
    /** Pages per flush at most, so one flush ends well inside a request timeout. */
    static final int MAX_PAGES = 50;
    private static final Logger LOGGER = Logger.getLogger(FlushOutbox.class.getName());

    /** When the oldest message still pending after the last flush was queued; null when none is. */
    private static final AtomicReference<Instant> OLDEST_PENDING = new AtomicReference<>();
    private static final AtomicLong PENDING = new AtomicLong();

    private final Outbox outbox;
    private final MessagePublisher publisher;
    private final Clock clock;

    /**
     * @param outbox    pending messages
     * @param publisher Pub/Sub
     * @param clock     when messages were sent
     */
    public FlushOutbox(Outbox outbox, MessagePublisher publisher, Clock clock) {
        this.outbox = outbox;
        this.publisher = publisher;
        this.clock = clock;
        Meters.registerSoon(() -> {
            Meters.gauge("outbox.pending", "messages the last flush found pending", PENDING::get);
            Meters.gauge("outbox.oldest_pending.age", "seconds since the oldest message still pending after the last "
                    + "flush was queued (0: none pending)", () -> {
                        Instant oldest = OLDEST_PENDING.get();
                        return oldest == null ? 0.0 : Math.max(0, clock.millis() - oldest.toEpochMilli()) / 1000.0;
                    });
        });
    }

    /**
     * @param sent   messages Pub/Sub accepted and that are marked sent
     * @param failed messages that stay pending
     */
    public record Result(int sent, int failed) {
    }

    /**
     * Publishes messages just committed; a failure leaves them pending for the next flush.
     *
     * @param messages messages queued by a commit
     * @return what was sent
     */
    public Result send(List<OutboxMessage> messages) {
        Set<String> published = publisher.publish(messages);
        outbox.markSent(published, clock.instant());
        int failed = messages.size() - published.size();
        if (failed > 0) {
            LOGGER.warning(() -> failed + " outbox messages could not be published now; the next flush sends them");
        }
        return new Result(published.size(), failed);
    }

    /**
     * Publishes pending messages, oldest first, page by page, until none are left or Pub/Sub fails.
     *
     * @return what was sent and what is still pending from the pages read
     * @throws OrderStore.StoreUnavailableException when Firestore cannot be reached
     */
    public Result flush() {
        int sent = 0;
        long found = 0;
        try (Span span = Tracing.start("outbox flush", Span.Kind.INTERNAL)) {
            for (int page = 0; page < MAX_PAGES; page++) {
                List<OutboxMessage> pending = outbox.pending(PAGE);
                found += pending.size();
                if (pending.isEmpty()) {
                    break;
                }
                Result result = send(pending);
                sent += result.sent();
                if (result.failed() > 0) {
                    // Pending is oldest first: the oldest left is the first one Pub/Sub did not take.
                    Instant oldest = pending.stream().map(OutboxMessage::createdAt).min(Instant::compareTo).orElse(null);
                    OLDEST_PENDING.set(oldest);
                    PENDING.set(found);
                    span.attribute("outbox.sent", sent).attribute("outbox.failed", result.failed());
                    return new Result(sent, result.failed());
                }
                if (pending.size() < PAGE) {
                    break;
                }
            }
            OLDEST_PENDING.set(null);
            PENDING.set(found);
            span.attribute("outbox.sent", sent);
            return new Result(sent, 0);
        }
    }
}
