package dev.eventconsumers.cloudevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.events.cloud.firestore.v1.DocumentEventData;
import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import com.google.events.cloud.scheduler.v1.SchedulerJobData;
import com.google.events.cloud.storage.v1.StorageObjectData;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import dev.eventconsumers.problem.Problem;
import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Decoders from event data into the official payload classes of {@code google-cloudevent-types}: JSON through
 * protobuf's {@code JsonFormat} (unknown fields ignored) after a strict RFC 8259 parse ({@link StrictJson}: protobuf's
 * parser would take comments, single quotes and trailing data), protobuf through {@code parseFrom}, chosen by the
 * event's {@code datacontenttype}. Cloud Storage objects, the busiest JSON payload, take a one-pass fast path first
 * ({@link StorageObjectJson}) that answers the same or defers to the general path.
 */
public final class GooglePayloads {
    private static final JsonFormat.Parser JSON = JsonFormat.parser().ignoringUnknownFields();
    private static final String JSON_TYPE = "application/json";
    private static final String PROTOBUF_TYPE = "application/protobuf";

    private GooglePayloads() {
    }

    /** @return decoder of Cloud Storage object events (JSON) */
    public static PayloadDecoder<StorageObjectData> storageObject() {
        return event -> {
            requireJson(event);
            byte[] json = dataBytes(event);
            StrictJson.checkText(json, "data");
            StorageObjectData data = StorageObjectJson.read(json);
            if (data == null) {
                StorageObjectData.Builder builder = StorageObjectData.newBuilder();
                mergeJson(event, StrictJson.parse(json, "data").toString(), builder);
                data = builder.build();
            }
            List<Problem.FieldError> missing = new ArrayList<>();
            if (data.getBucket().isEmpty()) {
                missing.add(field("/bucket", "required"));
            }
            if (data.getName().isEmpty()) {
                missing.add(field("/name", "required"));
            }
            if (data.getSize() < 0) {
                missing.add(field("/size", "must not be negative"));
            }
            if (data.getGeneration() < 0) {
                missing.add(field("/generation", "must not be negative"));
            }
            if (data.getMetageneration() < 0) {
                missing.add(field("/metageneration", "must not be negative"));
            }
            if (!missing.isEmpty()) {
                throw new InvalidEventException("invalid-data", "the StorageObjectData is not valid", missing);
            }
            return data;
        };
    }

    /** @return decoder of Firestore document events, protobuf ({@code application/protobuf}) or JSON */
    public static PayloadDecoder<DocumentEventData> documentEvent() {
        return event -> {
            String contentType = mediaType(event).orElseThrow(() -> new InvalidEventException(
                    "unsupported-content-type", "a Firestore event needs a datacontenttype",
                    "datacontenttype", "missing; expected " + PROTOBUF_TYPE + " or " + JSON_TYPE));
            DocumentEventData data;
            switch (contentType) {
                case PROTOBUF_TYPE -> {
                    try {
                        data = DocumentEventData.parseFrom(dataBytes(event));
                    } catch (InvalidProtocolBufferException e) {
                        throw new InvalidEventException("invalid-data", "the data is not a protobuf DocumentEventData",
                                                        "data", e.getMessage());
                    }
                    if (!data.getUnknownFields().asMap().isEmpty()) {
                        // Random bytes often parse as unknown fields; a real DocumentEventData has none.
                        throw new InvalidEventException("invalid-data", "the data is not a protobuf DocumentEventData",
                                                        "data", "unknown field numbers "
                                                                + data.getUnknownFields().asMap().keySet());
                    }
                }
                case JSON_TYPE -> {
                    DocumentEventData.Builder builder = DocumentEventData.newBuilder();
                    mergeJson(event, strictJson(event), builder);
                    data = builder.build();
                }
                default -> throw new InvalidEventException(
                        "unsupported-content-type", "a Firestore event's data must be protobuf or JSON",
                        "datacontenttype", contentType + " is not " + PROTOBUF_TYPE + " or " + JSON_TYPE);
            }
            if (!data.hasValue() && !data.hasOldValue()) {
                throw new InvalidEventException("invalid-data", "the DocumentEventData has neither value nor old_value",
                                                "data", "no document in the change");
            }
            return data;
        };
    }

    /**
     * @return decoder of Pub/Sub message events; lenient about what real pushes carry ({@code @type}, and both
     *         {@code messageId} and {@code message_id})
     */
    public static PayloadDecoder<MessagePublishedData> messagePublished() {
        return event -> {
            requireJson(event);
            JsonNode tree = StrictJson.parse(dataBytes(event), "data");
            if (!(tree instanceof ObjectNode root) || !root.path("message").isObject()) {
                throw new InvalidEventException("invalid-data", "a Pub/Sub event's data is an object with a message",
                                                "/message", "required object");
            }
            normalise(root);
            MessagePublishedData.Builder builder = MessagePublishedData.newBuilder();
            mergeJson(event, root.toString(), builder);
            return builder.build();
        };
    }

    /** @return decoder of Cloud Scheduler job events (JSON, {@code customData} in base64) */
    public static PayloadDecoder<SchedulerJobData> schedulerJob() {
        return event -> {
            if (event.getData() == null || event.getData().toBytes().length == 0) {
                return SchedulerJobData.getDefaultInstance();
            }
            requireJson(event);
            SchedulerJobData.Builder builder = SchedulerJobData.newBuilder();
            mergeJson(event, strictJson(event), builder);
            return builder.build();
        };
    }

    /** @return decoder of Knative PingSource ticks: the data as given, possibly empty */
    public static PayloadDecoder<PingData> ping() {
        return event -> new PingData(Optional.ofNullable(event.getDataContentType()),
                                     event.getData() == null ? new byte[0] : event.getData().toBytes());
    }

    /**
     * Drops {@code @type} and, where a field appears both in lowerCamelCase and snake_case, the snake_case copy:
     * protobuf's JsonFormat rejects both ("has already been set"), real Pub/Sub pushes carry both.
     */
    static void normalise(ObjectNode node) {
        node.remove("@type");
        List<String> duplicates = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            if (name.indexOf('_') > 0 && node.has(camelCase(name))) {
                duplicates.add(name);
            }
            if (field.getValue() instanceof ObjectNode child) {
                normalise(child);
            }
        }
        duplicates.forEach(node::remove);
    }

    static String camelCase(String snake) {
        StringBuilder out = new StringBuilder(snake.length());
        boolean upper = false;
        for (char c : snake.toCharArray()) {
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    /**
     * @param event an event
     * @return its {@code datacontenttype} without parameters, lower case
     */
    static Optional<String> mediaType(CloudEvent event) {
        return mediaType(event.getDataContentType());
    }

    /**
     * @param contentType a content type header or attribute, possibly null
     * @return its media type without parameters, lower case
     */
    static Optional<String> mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return Optional.empty();
        }
        int semicolon = contentType.indexOf(';');
        return Optional.of((semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim()
                                   .toLowerCase(Locale.ROOT));
    }

    private static void requireJson(CloudEvent event) {
        Optional<String> type = mediaType(event);
        if (type.isPresent() && !type.get().equals(JSON_TYPE) && !type.get().endsWith("+json")) {
            throw new InvalidEventException("unsupported-content-type", "the data of " + event.getType()
                    + " must be JSON", "datacontenttype", type.get() + " is not " + JSON_TYPE);
        }
    }

    private static byte[] dataBytes(CloudEvent event) {
        CloudEventData data = event.getData();
        byte[] bytes = data == null ? null : data.toBytes();
        if (bytes == null || bytes.length == 0) {
            throw new InvalidEventException("missing-data", "an event of type " + event.getType() + " needs data",
                                            "data", "empty");
        }
        return bytes;
    }

    /** @return the data re-written from its strict parse, so the protobuf parser sees only what RFC 8259 allows */
    private static String strictJson(CloudEvent event) {
        return StrictJson.parse(dataBytes(event), "data").toString();
    }

    private static void mergeJson(CloudEvent event, String json, Message.Builder builder) {
        try {
            JSON.merge(json, builder);
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            // JsonFormat reports both syntax errors and bad field values (e.g. invalid base64) this way.
            throw new InvalidEventException("invalid-data", "the data is not a valid "
                    + builder.getDescriptorForType().getName() + " for " + event.getType(), "data",
                                            String.valueOf(e.getMessage()));
        }
    }

    private static Problem.FieldError field(String name, String reason) {
        return new Problem.FieldError(name, reason);
    }
}
