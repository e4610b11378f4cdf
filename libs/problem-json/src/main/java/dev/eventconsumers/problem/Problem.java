package dev.eventconsumers.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An RFC 9457 problem: what went wrong with a request, for a machine ({@code type}, {@code status},
 * {@code errors}) and for a person ({@code title}, {@code detail}).
 *
 * @param type       a URI naming the kind of problem, stable across releases
 * @param title      a short summary of the kind of problem
 * @param status     the HTTP status code that carries it
 * @param detail     what was wrong with this request
 * @param errors     one entry per failing attribute or field (may be empty)
 * @param extensions further members, written at the top level
 */
public record Problem(String type, String title, int status, String detail, List<FieldError> errors,
                      Map<String, Object> extensions) {

    /** The media type of a problem body. */
    public static final String MEDIA_TYPE = "application/problem+json";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String TYPE_PREFIX = "urn:event-consumers:problem:";

    /**
     * One failing attribute, header or field.
     *
     * @param name   where the problem is (an attribute name, a header, a JSON pointer such as {@code /message/data})
     * @param reason what is wrong with it
     */
    public record FieldError(String name, String reason) {
        public FieldError {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reason, "reason");
        }
    }

    public Problem {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(detail, "detail");
        errors = List.copyOf(errors);
        extensions = Map.copyOf(extensions);
    }

    /**
     * A problem whose type is {@code urn:event-consumers:problem:{slug}}.
     *
     * @param slug   short kebab-case name of the kind of problem
     * @param title  summary of the kind
     * @param status HTTP status
     * @param detail what was wrong with this request
     * @return the problem, without field errors
     */
    public static Problem of(String slug, String title, int status, String detail) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, List.of(), Map.of());
    }

    /**
     * @param more field errors to add
     * @return a copy with the errors appended
     */
    public Problem withErrors(List<FieldError> more) {
        return new Problem(type, title, status, detail,
                           java.util.stream.Stream.concat(errors.stream(), more.stream()).toList(), extensions);
    }

    /**
     * @param name  member name
     * @param value member value (anything Jackson can write)
     * @return a copy with one more top-level member
     */
    public Problem with(String name, Object value) {
        Map<String, Object> copy = new LinkedHashMap<>(extensions);
        copy.put(name, value);
        return new Problem(type, title, status, detail, errors, copy);
    }

    /** @return this problem as a JSON object tree */
    public ObjectNode toJsonNode() {
        ObjectNode node = MAPPER.createObjectNode();
        node.put("type", type);
        node.put("title", title);
        node.put("status", status);
        node.put("detail", detail);
        if (!errors.isEmpty()) {
            ArrayNode array = node.putArray("errors");
            for (FieldError error : errors) {
                array.addObject().put("name", error.name()).put("reason", error.reason());
            }
        }
        extensions.forEach((name, value) -> node.set(name, MAPPER.valueToTree(value)));
        return node;
    }

    /** @return this problem as UTF-8 JSON */
    public byte[] toJson() {
        try {
            return MAPPER.writeValueAsString(toJsonNode()).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
