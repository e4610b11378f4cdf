package dev.eventconsumers.cloudevents;

import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import io.cloudevents.core.builder.CloudEventBuilder;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The service the binding tests talk to: it registers every supported type, keeps what each handler received
 * by event id, and answers Pub/Sub messages with the outcome named by their {@code outcome} attribute.
 */
final class RecordingService {
    static final Map<String, TypedEvent<?>> RECEIVED = new ConcurrentHashMap<>();
    /** The trace position each handler ran in, by event id. */
    static final Map<String, String> TRACES = new ConcurrentHashMap<>();

    private RecordingService() {
    }

    static CloudEventService create() {
        return CloudEventService.builder()
                .on(EventTypes.STORAGE_OBJECT_FINALIZED, GooglePayloads.storageObject(), RecordingService::record)
                .on(EventTypes.firestoreDocumentTypes(), GooglePayloads.documentEvent(), RecordingService::record)
                .on(EventTypes.PUBSUB_MESSAGE_PUBLISHED, GooglePayloads.messagePublished(), RecordingService::message)
                .on(EventTypes.SCHEDULER_JOB_EXECUTED, GooglePayloads.schedulerJob(), RecordingService::record)
                .on(EventTypes.KNATIVE_PING, GooglePayloads.ping(), RecordingService::record)
                .build();
    }

    private static EventOutcome record(TypedEvent<?> event) {
        RECEIVED.put(event.id(), event);
        dev.eventconsumers.telemetry.Tracing.traceparent().ifPresent(t -> TRACES.put(event.id(), t));
        return EventOutcome.done("recorded");
    }

    private static EventOutcome message(TypedEvent<MessagePublishedData> event) {
        RECEIVED.put(event.id(), event);
        dev.eventconsumers.telemetry.Tracing.traceparent().ifPresent(t -> TRACES.put(event.id(), t));
        String outcome = event.data().getMessage().getAttributesOrDefault("outcome", "done");
        return switch (outcome) {
            case "done" -> EventOutcome.done();
            case "reply" -> EventOutcome.reply(CloudEventBuilder.v1()
                    .withId("reply-to-" + event.id())
                    .withSource(URI.create("/recording-service"))
                    .withType("dev.eventconsumers.test.replied")
                    .withDataContentType("application/json")
                    .withData("{\"ok\":true}".getBytes(StandardCharsets.UTF_8))
                    .build());
            case "reject" -> EventOutcome.reject("order ORD-1 does not exist",
                                                 List.of(new dev.eventconsumers.problem.Problem.FieldError(
                                                         "/order_id", "unknown order")));
            case "retry" -> EventOutcome.retry("Firestore is unavailable", Duration.ofSeconds(30));
            case "throw" -> throw new IllegalStateException("secret internal detail");
            default -> throw new IllegalArgumentException(outcome);
        };
    }
}
