package dev.eventconsumers.cloudevents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.eventconsumers.problem.Problem;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.format.EventDeserializationException;
import io.cloudevents.core.format.EventFormat;
import io.cloudevents.core.message.MessageReader;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.cloudevents.core.v1.CloudEventV1;
import io.cloudevents.rw.CloudEventRWException;
import io.cloudevents.types.Time;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads what arrived over HTTP as one CloudEvent or a batch of them. The SDK parses binary and structured mode;
 * this class picks the mode, splits batches, recognises Pub/Sub push and Cloud Scheduler requests, and checks
 * what the SDK lets through (empty required attributes, repeated {@code ce-*} headers, percent-encoding).
 * {@link CloudEventService} reads every request with it; so does anything else that receives CloudEvents (the local
 * run's broker ingress and its reading of Knative replies), so that there is one reader.
 * <pre>{@code
 * switch (EventRequestReader.read(headers, body)) {
 *     case EventRequestReader.Single single -> route(single.event());
 *     case EventRequestReader.Batch batch -> batch.items().forEach(...);
 * }
 * }</pre>
 */
public final class EventRequestReader {
    static final String BATCH_MEDIA_TYPE = "application/cloudevents-batch+json";
    /** Events per batch unless the service says otherwise: a batch fans out into that many handler calls. */
    public static final int DEFAULT_MAX_BATCH = 100;
    private static final String STRUCTURED_PREFIX = "application/cloudevents";
    private static final List<String> REQUIRED = List.of("id", "source", "type", "specversion");
    private static final String SPEC_1_0 = "1.0";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** What a request holds. */
    public sealed interface Incoming {
    }

    /** @param event one event */
    public record Single(CloudEvent event) implements Incoming {
    }

    /** @param items a batch: each item is an event or the reason it is not one */
    public record Batch(List<BatchItem> items) implements Incoming {
    }

    /**
     * @param index   position in the batch
     * @param event   the event, when the item is valid
     * @param invalid why the item is not a valid event, otherwise
     */
    public record BatchItem(int index, Optional<CloudEvent> event, Optional<InvalidEventException> invalid) {
    }

    private EventRequestReader() {
    }

    /**
     * @param headers request headers: lower-case name to every value received
     * @param body    request body (empty when none)
     * @return the event(s)
     * @throws InvalidEventException when the request is not an event of any accepted shape
     */
    public static Incoming read(Map<String, List<String>> headers, byte[] body) {
        return read(headers, body, DEFAULT_MAX_BATCH);
    }

    /**
     * @param headers  request headers: lower-case name to every value received
     * @param body     request body (empty when none)
     * @param maxBatch the most events a batch may hold; more is refused with 413
     * @return the event(s)
     * @throws InvalidEventException when the request is not an event of any accepted shape
     */
    public static Incoming read(Map<String, List<String>> headers, byte[] body, int maxBatch) {
        String mediaType = GooglePayloads.mediaType(first(headers, "content-type").orElse(null)).orElse("");
        if (mediaType.equals(BATCH_MEDIA_TYPE)) {
            return readBatch(body, maxBatch);
        }
        if (headers.containsKey("ce-specversion") || mediaType.startsWith(STRUCTURED_PREFIX)) {
            return new Single(readWithSdk(headers, body, mediaType.startsWith(STRUCTURED_PREFIX)));
        }
        Optional<String> job = first(headers, PushRequests.SCHEDULER_JOB_HEADER);
        if (job.isPresent() || first(headers, PushRequests.SCHEDULER_FLAG_HEADER).isPresent()) {
            return new Single(requireAttributes(PushRequests.fromSchedulerCall(
                    job.orElse(""), first(headers, PushRequests.SCHEDULER_TIME_HEADER), body)));
        }
        Optional<JsonNode> push = PushRequests.pubSubPushBody(body);
        if (push.isPresent()) {
            return new Single(requireAttributes(PushRequests.fromPubSubPush(push.get(), body)));
        }
        List<Problem.FieldError> missing = new ArrayList<>();
        for (String attribute : REQUIRED) {
            if (!headers.containsKey("ce-" + attribute)) {
                missing.add(new Problem.FieldError("ce-" + attribute, "missing header"));
            }
        }
        throw new InvalidEventException("not-a-cloudevent", "the request is not a CloudEvent: no ce-specversion header "
                + "(binary mode), no application/cloudevents+json body (structured mode), and neither a Pub/Sub push "
                + "nor a Cloud Scheduler call", missing);
    }

    private static CloudEvent readWithSdk(Map<String, List<String>> headers, byte[] body, boolean structured) {
        List<Problem.FieldError> errors = new ArrayList<>();
        List<String[]> decoded = new ArrayList<>();
        headers.forEach((name, values) -> {
            if (!name.startsWith("ce-")) {
                values.forEach(v -> decoded.add(new String[] {name, v}));
                return;
            }
            if (values.size() > 1) {
                errors.add(new Problem.FieldError(name, "sent " + values.size() + " times; an attribute has one value"));
                return;
            }
            try {
                decoded.add(new String[] {name, PercentEncoding.decode(values.getFirst())});
            } catch (IllegalArgumentException e) {
                errors.add(new Problem.FieldError(name, e.getMessage()));
            }
        });
        if (!structured) {
            for (String attribute : REQUIRED) {
                if (!headers.containsKey("ce-" + attribute)) {
                    errors.add(new Problem.FieldError("ce-" + attribute, "missing header"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidEventException(structured ? "invalid-header" : "invalid-attribute",
                                            "the CloudEvent's headers are invalid", errors);
        }
        if (structured) {
            // The SDK's JSON format reads leniently (trailing data, comments); the specification's JSON does not.
            StrictJson.parse(body, "body");
        }
        CloudEvent event;
        try {
            String specversion = structured ? null : first(headers, "ce-specversion").orElse(null);
            if (SPEC_1_0.equals(specversion)) {
                event = readBinary(decoded, body);
            } else {
                MessageReader reader = HttpMessageFactory.createReader(
                        put -> decoded.forEach(h -> put.accept(h[0], h[1])), body);
                event = reader.toEvent();
            }
        } catch (CloudEventRWException | EventDeserializationException | IllegalStateException | IllegalArgumentException e) {
            throw sdkRejected(e, structured ? "body" : "headers");
        }
        return requireAttributes(event);
    }

    /**
     * Binary mode 1.0 as the SDK's {@code HttpMessageReader} reads it (the same builder, the same order, the same
     * exceptions), except that it takes {@code time} by {@link Rfc3339}'s fast path when it can and {@code source} from
     * a small cache: those two parses were most of the cost of reading an event.
     */
    static CloudEvent readBinary(List<String[]> headers, byte[] body) {
        CloudEventBuilder builder = CloudEventBuilder.v1();
        for (String[] header : headers) {
            String name = header[0];
            String value = header[1];
            if (name.equals("content-type")) {
                builder.withContextAttribute(CloudEventV1.DATACONTENTTYPE, value);
            } else if (name.length() > 3 && name.startsWith("ce-")) {
                switch (name) {
                    case "ce-specversion" -> {
                    }
                    case "ce-time" -> {
                        OffsetDateTime time = Rfc3339.offsetDateTime(value);
                        builder.withTime(time != null ? time : Time.parseTime(CloudEventV1.TIME, value));
                    }
                    case "ce-source" -> builder.withSource(source(value));
                    default -> builder.withContextAttribute(attributeName(name), value);
                }
            }
        }
        if (body.length > 0) {
            return builder.withData(body).build();
        }
        try {
            return builder.build();
        } catch (RuntimeException e) {
            // the SDK's end() without data wraps what build() throws; end(data) does not
            throw CloudEventRWException.newOther(e);
        }
    }

    /** @return the attribute a {@code ce-} header names: the common ones without a new string per event */
    private static String attributeName(String header) {
        return switch (header) {
            case "ce-id" -> CloudEventV1.ID;
            case "ce-type" -> CloudEventV1.TYPE;
            case "ce-subject" -> CloudEventV1.SUBJECT;
            case "ce-dataschema" -> CloudEventV1.DATASCHEMA;
            case "ce-datacontenttype" -> CloudEventV1.DATACONTENTTYPE;
            case "ce-traceparent" -> "traceparent";
            case "ce-tracestate" -> "tracestate";
            default -> header.substring(3);
        };
    }

    /** A service hears from a handful of sources; parsing the same URI on every event is waste. */
    private static final int MAX_CACHED_SOURCES = 256;
    private static final Map<String, URI> SOURCES = new ConcurrentHashMap<>();

    private static URI source(String value) {
        URI uri = SOURCES.get(value);
        if (uri != null) {
            return uri;
        }
        try {
            uri = new URI(value);
        } catch (URISyntaxException e) {
            throw CloudEventRWException.newInvalidAttributeValue(CloudEventV1.SOURCE, value, e);
        }
        if (SOURCES.size() >= MAX_CACHED_SOURCES) {
            SOURCES.clear();
        }
        SOURCES.put(value, uri);
        return uri;
    }

    private static Batch readBatch(byte[] body, int maxBatch) {
        JsonNode root = StrictJson.parse(body, "body");
        if (!(root instanceof ArrayNode array)) {
            throw new InvalidEventException("invalid-batch", "a CloudEvents batch is a JSON array of events", "body",
                                            root == null ? "empty" : "is a JSON " + root.getNodeType().name().toLowerCase());
        }
        if (array.isEmpty()) {
            throw new InvalidEventException("invalid-batch", "the batch holds no events", "body", "empty array");
        }
        if (array.size() > maxBatch) {
            throw new InvalidEventException("batch-too-large", "the batch holds " + array.size() + " events; this "
                    + "service takes at most " + maxBatch + " in one request", "body", "more than " + maxBatch
                    + " events").withStatus(413);
        }
        EventFormat format = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE);
        List<BatchItem> items = new ArrayList<>(array.size());
        for (int i = 0; i < array.size(); i++) {
            try {
                JsonNode element = array.get(i);
                if (!element.isObject()) {
                    throw new InvalidEventException("invalid-batch", "a batch element is a JSON object", "/" + i,
                                                    "is a JSON " + element.getNodeType().name().toLowerCase());
                }
                CloudEvent event;
                try {
                    event = format.deserialize(MAPPER.writeValueAsBytes(element));
                } catch (CloudEventRWException | EventDeserializationException | IllegalStateException
                         | IllegalArgumentException e) {
                    throw sdkRejected(e, "/" + i);
                }
                items.add(new BatchItem(i, Optional.of(requireAttributes(event)), Optional.empty()));
            } catch (InvalidEventException e) {
                items.add(new BatchItem(i, Optional.empty(), Optional.of(e)));
            } catch (IOException e) {
                items.add(new BatchItem(i, Optional.empty(), Optional.of(new InvalidEventException(
                        "invalid-json", "a batch element could not be read", "/" + i, e.getMessage()))));
            }
        }
        return new Batch(items);
    }

    /**
     * The SDK accepts empty {@code id}, {@code source} and {@code type}, and control characters in any attribute; the
     * specification refuses both (a String attribute is Unicode characters, none of U+0000-U+001F or U+007F-U+009F).
     */
    static CloudEvent requireAttributes(CloudEvent event) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (anyControlCharacters(event)) {
            // Rare: name every offending attribute, in the order the SDK lists them.
            for (String name : event.getAttributeNames()) {
                controlCharacters(name, event.getAttribute(name), errors);
            }
            for (String name : event.getExtensionNames()) {
                controlCharacters(name, event.getExtension(name), errors);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidEventException("invalid-attribute", "CloudEvent attributes hold control characters",
                                            errors);
        }
        if (event.getId() == null || event.getId().isEmpty()) {
            errors.add(new Problem.FieldError("id", "must be a non-empty string"));
        }
        if (event.getSource() == null || event.getSource().toString().isEmpty()) {
            errors.add(new Problem.FieldError("source", "must be a non-empty URI-reference"));
        }
        if (event.getType() == null || event.getType().isEmpty()) {
            errors.add(new Problem.FieldError("type", "must be a non-empty string"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidEventException("invalid-attribute", "required CloudEvent attributes are empty", errors);
        }
        return event;
    }

    /** The common case, answered without building the SDK's attribute-name set per event. */
    private static boolean anyControlCharacters(CloudEvent event) {
        for (String name : event.getSpecVersion().getAllAttributes()) {
            if (forbidden(event.getAttribute(name))) {
                return true;
            }
        }
        for (String name : event.getExtensionNames()) {
            if (forbidden(event.getExtension(name))) {
                return true;
            }
        }
        return false;
    }

    private static boolean forbidden(Object value) {
        if (!(value instanceof String || value instanceof java.net.URI)) {
            return false;
        }
        String text = value.toString();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (control(c) || Character.isSurrogate(c)) {
                // surrogates are rare enough to let the full check tell a pair from a lone one
                return true;
            }
        }
        return false;
    }

    /** C0 and C1 controls and DEL: what a CloudEvents String attribute must not hold. */
    private static boolean control(char c) {
        return c <= 0x1F || c >= 0x7F && c <= 0x9F;
    }

    private static void controlCharacters(String name, Object value, List<Problem.FieldError> errors) {
        if (value instanceof String || value instanceof java.net.URI) {
            String text = value.toString();
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (control(c)) {
                    errors.add(new Problem.FieldError(name, String.format("holds the control character U+%04X at %d",
                                                                          (int) c, i)));
                    return;
                }
                if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                    i++;
                } else if (Character.isSurrogate(c)) {
                    errors.add(new Problem.FieldError(name, "holds a lone UTF-16 surrogate at " + i
                            + ", which is no Unicode character"));
                    return;
                }
            }
        }
    }

    private static InvalidEventException sdkRejected(RuntimeException e, String where) {
        if (e instanceof EventDeserializationException && e.getCause() instanceof JsonProcessingException json) {
            // Jackson's own words ("Missing mandatory source attribute"), without its location noise.
            return new InvalidEventException("invalid-structured-event", "the structured CloudEvent is invalid", where,
                                             json.getOriginalMessage());
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof CloudEventRWException rw) {
            return switch (rw.getKind()) {
                case INVALID_SPEC_VERSION -> new InvalidEventException(
                        "unsupported-specversion", "this service reads CloudEvents 1.0 (and 0.3)", "specversion", message);
                case UNKNOWN_ENCODING -> new InvalidEventException(
                        "unsupported-content-type", "the request's content type is no CloudEvents format this service "
                        + "reads (binary mode, application/cloudevents+json, application/cloudevents-batch+json)",
                        "content-type", message);
                default -> new InvalidEventException("invalid-attribute", "the CloudEvent is invalid", where, message);
            };
        }
        return new InvalidEventException("invalid-attribute", "the CloudEvent is invalid", where, message);
    }

    private static Optional<String> first(Map<String, List<String>> headers, String name) {
        List<String> values = headers.get(name);
        return values == null || values.isEmpty() ? Optional.empty() : Optional.of(values.getFirst());
    }
}
