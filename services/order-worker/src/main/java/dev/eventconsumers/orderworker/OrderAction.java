package dev.eventconsumers.orderworker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import dev.eventconsumers.orders.OrderIds;
import dev.eventconsumers.problem.Problem;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One order action as the reference's messages carry it: {@code {"order_id": "...", "action": "...", "data": {...}}},
 * the action possibly only in the message's {@code action} attribute.
 *
 * @param orderId the order
 * @param action  {@link #PROCESS_PAYMENT}, {@link #SEND_CONFIRMATION} or {@link #UPDATE_INVENTORY}
 * @param data    the action's data (an empty object when absent)
 */
record OrderAction(String orderId, String action, ObjectNode data) {
    static final String PROCESS_PAYMENT = "process_payment";
    static final String SEND_CONFIRMATION = "send_confirmation";
    static final String UPDATE_INVENTORY = "update_inventory";
    static final Set<String> ACTIONS = Set.of(PROCESS_PAYMENT, SEND_CONFIRMATION, UPDATE_INVENTORY);
    static final ObjectMapper MAPPER = new ObjectMapper();

    /** The message can never be handled: a permanent rejection, with every reason. */
    static final class InvalidActionException extends Exception {
        private final transient List<Problem.FieldError> errors;

        InvalidActionException(String message, List<Problem.FieldError> errors) {
            super(message);
            this.errors = List.copyOf(errors);
        }

        List<Problem.FieldError> errors() {
            return errors;
        }
    }

    /**
     * @param message the Pub/Sub message
     * @return the action it carries
     * @throws InvalidActionException malformed JSON, no or malformed order id, unknown or conflicting action
     */
    static OrderAction from(MessagePublishedData message) throws InvalidActionException {
        JsonNode body;
        try {
            body = MAPPER.readTree(message.getMessage().getData().toByteArray());
        } catch (IOException e) {
            throw new InvalidActionException("the message is not JSON", List.of(
                    new Problem.FieldError("message.data", "is not valid JSON")));
        }
        if (body == null || !body.isObject()) {
            throw new InvalidActionException("the message is not a JSON object", List.of(
                    new Problem.FieldError("message.data", "must be {\"order_id\", \"action\", \"data\"}")));
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        JsonNode id = body.get("order_id");
        if (id == null || !id.isTextual() || id.asText().isEmpty()) {
            errors.add(new Problem.FieldError("order_id", "is required"));
        } else if (!OrderIds.valid(id.asText())) {
            errors.add(new Problem.FieldError("order_id", "is not an order id (ORD-yyyyMMdd-8 hex digits)"));
        }
        Optional<String> inBody = Optional.ofNullable(body.get("action")).filter(JsonNode::isTextual)
                .map(JsonNode::asText);
        Optional<String> inAttribute = Optional.ofNullable(message.getMessage().getAttributesMap().get("action"));
        Optional<String> action = inBody.or(() -> inAttribute);
        if (action.isEmpty()) {
            errors.add(new Problem.FieldError("action", "is required (in the body or the action attribute)"));
        } else if (!ACTIONS.contains(action.get())) {
            errors.add(new Problem.FieldError("action", "unknown action " + action.get() + "; known: "
                    + ACTIONS.stream().sorted().toList()));
        } else if (inBody.isPresent() && inAttribute.isPresent() && !inBody.equals(inAttribute)) {
            errors.add(new Problem.FieldError("action", "the body says " + inBody.get()
                    + " but the attribute says " + inAttribute.get()));
        }
        JsonNode data = body.get("data");
        if (data != null && !data.isObject() && !data.isNull()) {
            errors.add(new Problem.FieldError("data", "must be an object"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidActionException("the order action is not valid", errors);
        }
        return new OrderAction(id.asText(), action.get(),
                               data instanceof ObjectNode object ? object : MAPPER.createObjectNode());
    }
}
