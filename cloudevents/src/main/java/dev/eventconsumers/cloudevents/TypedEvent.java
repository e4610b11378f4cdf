package dev.eventconsumers.cloudevents;

import io.cloudevents.CloudEvent;

import java.util.Optional;

/**
 * An event with its payload decoded into a typed value.
 *
 * @param cloudEvent the event as received (attributes, extensions, raw data)
 * @param data       the decoded payload
 * @param <T>        payload type, e.g. {@code StorageObjectData}
 */
public record TypedEvent<T>(CloudEvent cloudEvent, T data) {

    /** @return {@code ce-id} */
    public String id() {
        return cloudEvent.getId();
    }

    /** @return {@code ce-type} */
    public String type() {
        return cloudEvent.getType();
    }

    /** @return {@code ce-source} */
    public String source() {
        return cloudEvent.getSource().toString();
    }

    /** @return {@code ce-subject}, if present */
    public Optional<String> subject() {
        return Optional.ofNullable(cloudEvent.getSubject());
    }

    /**
     * @param name extension attribute name, e.g. {@code document}
     * @return its value as a string, if present
     */
    public Optional<String> extension(String name) {
        return Optional.ofNullable(cloudEvent.getExtension(name)).map(Object::toString);
    }
}
