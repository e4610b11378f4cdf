package dev.eventconsumers.cloudevents;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * The payload of a Knative PingSource tick: whatever the PingSource's {@code data} (or {@code dataBase64}) says,
 * often JSON, possibly nothing.
 *
 * @param contentType the event's {@code datacontenttype}, if any
 * @param bytes       the data (empty when the tick carries none)
 */
public record PingData(Optional<String> contentType, byte[] bytes) {

    /** @return the data as UTF-8 text */
    public String text() {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** @return whether the tick carries no data */
    public boolean isEmpty() {
        return bytes.length == 0;
    }
}
