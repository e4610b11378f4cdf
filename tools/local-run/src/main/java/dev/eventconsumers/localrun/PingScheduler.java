package dev.eventconsumers.localrun;

import dev.eventconsumers.cloudevents.EventTypes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Knative's PingSource: at each minute its schedule matches, a {@code dev.knative.sources.ping} event with the
 * source's data goes to the broker. {@link #fire} sends one now.
 */
final class PingScheduler implements Runnable {
    private final Manifests manifests;
    private final Broker broker;
    private final Clock clock;
    private volatile boolean running = true;

    PingScheduler(Manifests manifests, Broker broker, Clock clock) {
        this.manifests = manifests;
        this.broker = broker;
        this.clock = clock;
    }

    @Override
    public void run() {
        Instant next = clock.instant().truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
        while (running) {
            try {
                long wait = next.toEpochMilli() - clock.millis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            ZonedDateTime tick = next.atZone(java.time.ZoneOffset.UTC);
            for (Manifests.PingSource source : manifests.pingSources()) {
                if (source.schedule().matches(tick)) {
                    broker.publish(event(source, next, null));
                }
            }
            next = next.plus(1, ChronoUnit.MINUTES);
        }
    }

    /**
     * @param data the data to send instead of the PingSource's own, or {@code null}
     * @return the event sent
     */
    Event fire(Manifests.PingSource source, String data) {
        Event event = event(source, clock.instant(), data);
        broker.publish(event);
        return event;
    }

    private static Event event(Manifests.PingSource source, Instant time, String data) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("specversion", "1.0");
        attributes.put("id", UUID.randomUUID().toString());
        attributes.put("source", source.source());
        attributes.put("type", EventTypes.KNATIVE_PING);
        attributes.put("time", time.toString());
        return new Event(attributes, source.contentType(),
                         (data != null ? data : source.data()).getBytes(StandardCharsets.UTF_8));
    }

    void stop() {
        running = false;
    }
}
