package dev.eventconsumers.deadletters;

import dev.eventconsumers.telemetry.Meters;
import dev.eventconsumers.blobstore.BlobNames;
import dev.eventconsumers.blobstore.BlobStore;
import dev.eventconsumers.blobstore.BlobStoreDeniedException;
import dev.eventconsumers.blobstore.BlobStoreUnavailableException;
import dev.eventconsumers.blobstore.ConditionFailedException;
import dev.eventconsumers.blobstore.WriteCondition;
import dev.eventconsumers.cloudevents.EventOutcome;
import io.cloudevents.CloudEvent;
import io.cloudevents.jackson.JsonFormat;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;

/**
 * The use case: keep an event that exhausted its retries, with all its attributes (Knative's {@code knativeerror*}
 * extensions included) and its data byte for byte ({@code data_base64}), as a structured CloudEvent under
 * {@code dead-letters/{type}/{yyyy-MM-dd}/{id}}. The same event delivered twice is kept once.
 */
public final class KeepDeadLetter {
    static final String PREFIX = "dead-letters/";
    /** Structured JSON with the data in {@code data_base64}, so it is kept byte for byte, JSON or not. */
    static final JsonFormat FORMAT = new JsonFormat().withForceJsonDataToBase64();
    private final BlobStore bucket;
    private final Clock clock;

    /** @return dead letters kept (each once); an alert watches it grow */
    static io.helidon.metrics.api.Counter kept() {
        return Meters.counter("dead_letters.kept", "dead letters kept");
    }

    /**
     * @param bucket where dead letters are kept
     * @param clock  dates events that carry no time
     */
    public KeepDeadLetter(BlobStore bucket, Clock clock) {
        this.bucket = bucket;
        this.clock = clock;
        Meters.registerSoon(KeepDeadLetter::kept);
    }

    /**
     * @param event any event
     * @return done once it is kept, retry when the bucket is unavailable
     */
    public EventOutcome keep(CloudEvent event) {
        String name = objectName(event);
        String refused = bucket.problem(name);
        if (refused != null) {
            // Segments are bounded, so only a store rule no event could satisfy lands here: it will never succeed.
            return EventOutcome.reject("the dead letter's name " + name + " " + refused);
        }
        byte[] json = FORMAT.serialize(event);
        try {
            bucket.write(name, json, JsonFormat.CONTENT_TYPE, Map.of("ce-type", event.getType(),
                                                                      "ce-source", event.getSource().toString()),
                         WriteCondition.ifAbsent());
            kept().increment();
            return EventOutcome.done("kept as " + name);
        } catch (ConditionFailedException duplicate) {
            return EventOutcome.done("already kept as " + name);
        } catch (BlobStoreUnavailableException | BlobStoreDeniedException e) {
            // The last stop: a refused bucket (permission, none) is retried too, so nothing is lost while it is fixed.
            return EventOutcome.retry("dead-letter bucket unavailable: " + e.getMessage());
        }
    }

    /**
     * @return {@code dead-letters/{type}/{date}/{id}}, each part a {@link BlobNames#segment} of the attribute: no event
     *         names a path, any id or type makes a name every store holds, and the same event always the same name
     */
    String objectName(CloudEvent event) {
        LocalDate date = event.getTime() != null ? event.getTime().withOffsetSameInstant(ZoneOffset.UTC).toLocalDate()
                : LocalDate.now(clock.withZone(ZoneOffset.UTC));
        return PREFIX + BlobNames.segment(event.getType()) + "/" + date + "/" + BlobNames.segment(event.getId());
    }
}
