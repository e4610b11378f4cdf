package dev.eventconsumers.cloudevents;

import io.cloudevents.CloudEvent;

/**
 * Turns an event's data into a typed payload.
 *
 * @param <T> payload type
 */
@FunctionalInterface
public interface PayloadDecoder<T> {
    /**
     * @param event the event, with its {@code datacontenttype} and data
     * @return the payload
     * @throws InvalidEventException when the data is missing, of the wrong content type or malformed
     */
    T decode(CloudEvent event) throws InvalidEventException;
}
