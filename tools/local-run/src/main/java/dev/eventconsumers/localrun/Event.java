package dev.eventconsumers.localrun;

import io.cloudevents.CloudEvent;

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

    /**
     * @param event a CloudEvent as the binding read it
     * @return it as the router passes it on: every attribute and extension as text, the data's bytes
     */
    static Event of(CloudEvent event) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (String name : event.getAttributeNames()) {
            Object value = event.getAttribute(name);
            if (value != null && !name.equals("datacontenttype")) {
                attributes.put(name, text(value));
            }
        }
        for (String name : event.getExtensionNames()) {
            attributes.put(name, text(event.getExtension(name)));
        }
        return new Event(attributes, event.getDataContentType(),
                         event.getData() == null ? new byte[0] : event.getData().toBytes());
    }

    private static String text(Object value) {
        return value instanceof java.time.OffsetDateTime time ? time.toInstant().toString() : value.toString();
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
