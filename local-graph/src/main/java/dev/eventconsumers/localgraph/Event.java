package dev.eventconsumers.localgraph;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A CloudEvent as the router passes it on: its context attributes and extensions (by CloudEvents name, no
 * {@code ce-} prefix), the data's content type, and the data's bytes.
 */
record Event(Map<String, String> attributes, String contentType, byte[] data) {
    Event {
        attributes = Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
    }

    String attribute(String name) {
        return attributes.get(name);
    }

    String id() {
        return attributes.get("id");
    }

    String type() {
        return attributes.get("type");
    }

    /** @return the subject, or the source where there is none */
    String subjectOrSource() {
        return attributes.getOrDefault("subject", attributes.get("source"));
    }

    /** @return this event with more attributes (Knative's error extensions on a dead letter) */
    Event with(Map<String, String> more) {
        Map<String, String> all = new LinkedHashMap<>(attributes);
        all.putAll(more);
        return new Event(all, contentType, data);
    }
}
