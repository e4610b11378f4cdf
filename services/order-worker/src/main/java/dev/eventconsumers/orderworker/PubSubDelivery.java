package dev.eventconsumers.orderworker;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import dev.eventconsumers.cloudevents.GooglePayloads;
import dev.eventconsumers.cloudevents.PayloadDecoder;
import dev.eventconsumers.cloudevents.TraceCarriers;

import java.io.IOException;
import java.util.Optional;

/**
 * A Pub/Sub message with its {@code deliveryAttempt}, which push bodies carry (when the subscription has a
 * dead-letter policy) but the official {@code MessagePublishedData} has no field for.
 *
 * @param message         the message
 * @param deliveryAttempt how often Pub/Sub has delivered it, if it says
 */
record PubSubDelivery(MessagePublishedData message, Optional<Integer> deliveryAttempt)
        implements TraceCarriers.Traced {

    /** The trace of whoever queued the message (the API's POST, the worker's previous action). */
    @Override
    public Optional<String> traceparent() {
        return TraceCarriers.message(message.getMessage().getAttributesMap());
    }

    static PayloadDecoder<PubSubDelivery> decoder() {
        PayloadDecoder<MessagePublishedData> messages = GooglePayloads.messagePublished();
        return event -> {
            MessagePublishedData message = messages.decode(event);
            Optional<Integer> attempt = Optional.empty();
            try {
                JsonNode tree = OrderAction.MAPPER.readTree(event.getData().toBytes());
                JsonNode node = tree.path("deliveryAttempt");
                if (node.canConvertToInt() && node.isNumber()) {
                    attempt = Optional.of(node.intValue());
                }
            } catch (IOException e) {
                // decoded above, so this cannot happen; the attempt is only logged
            }
            return new PubSubDelivery(message, attempt);
        };
    }
}
