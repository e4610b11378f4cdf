package dev.eventconsumers.cloudevents;

import com.google.events.cloud.firestore.v1.DocumentEventData;
import com.google.events.cloud.firestore.v1.Value;
import com.google.events.cloud.pubsub.v1.MessagePublishedData;

import java.util.Map;
import java.util.Optional;

/**
 * Where a payload carries the trace of whoever produced it, so that the event's handling continues that trace rather
 * than the delivering platform's: a Pub/Sub message's {@code traceparent} attribute (or {@code googclient_traceparent},
 * as Google's Pub/Sub client libraries write it), a Firestore document's {@code traceparent} string field (the order
 * store writes it with every change), or any payload type that implements {@link Traced}.
 */
public final class TraceCarriers {
    private TraceCarriers() {
    }

    /** A payload that knows the trace it belongs to. */
    public interface Traced {
        /** @return a {@code traceparent} value, if the payload carried one */
        Optional<String> traceparent();
    }

    /**
     * @param payload a decoded payload
     * @return the {@code traceparent} it carries, if any (validity is checked by whoever reads it)
     */
    public static Optional<String> traceparent(Object payload) {
        if (payload instanceof Traced traced) {
            return traced.traceparent();
        }
        // By class name first: a service that never decodes protobuf payloads (a sink, a thumbnailer) must not load
        // the protobuf runtime to learn that its payload is none of them.
        return switch (payload.getClass().getName()) {
            case "com.google.events.cloud.pubsub.v1.MessagePublishedData" -> Google.message(payload);
            case "com.google.events.cloud.firestore.v1.DocumentEventData" -> Google.document(payload);
            default -> Optional.empty();
        };
    }

    /** Loaded only for the Google payloads themselves. */
    private static final class Google {
        static Optional<String> message(Object payload) {
            return TraceCarriers.message(((MessagePublishedData) payload).getMessage().getAttributesMap());
        }

        static Optional<String> document(Object payload) {
            DocumentEventData change = (DocumentEventData) payload;
            if (!change.hasValue()) {
                return Optional.empty();
            }
            Value field = change.getValue().getFieldsMap().get("traceparent");
            return field != null && field.hasStringValue() ? Optional.of(field.getStringValue()) : Optional.empty();
        }
    }

    /**
     * @param attributes a Pub/Sub message's attributes
     * @return its trace, if it names one
     */
    public static Optional<String> message(Map<String, String> attributes) {
        return Optional.ofNullable(attributes.get("traceparent"))
                .or(() -> Optional.ofNullable(attributes.get("googclient_traceparent")));
    }
}
