package dev.eventconsumers.orderworker;

import dev.eventconsumers.telemetry.Meters;
import dev.eventconsumers.telemetry.Tracing;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventconsumers.cloudevents.EventOutcome;
import dev.eventconsumers.cloudevents.TypedEvent;
import dev.eventconsumers.orders.FlushOutbox;
import dev.eventconsumers.orders.OrderStore;
import dev.eventconsumers.orders.OutboxMessage;
import dev.eventconsumers.orders.Sku;
import dev.eventconsumers.problem.Problem;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The reference's order actions, correct under at-least-once delivery:
 * <ul>
 *   <li>{@code process_payment}: CREATED to PAYMENT_PROCESSED, and {@code send_confirmation} and
 *       {@code update_inventory} queued in the same commit (outbox), then published;</li>
 *   <li>{@code send_confirmation}: one {@code mail} document per order for the Trigger Email extension;</li>
 *   <li>{@code update_inventory}: stock taken once per order, or the order marked back-ordered.</li>
 * </ul>
 * A message that can never succeed (malformed, unknown action or order, illegal transition, no address) is rejected
 * so that it reaches the dead-letter topic; Firestore unavailable is a retry.
 */
final class HandleOrderAction {
    private static final Logger LOGGER = Logger.getLogger(HandleOrderAction.class.getName());

    private final ActionStore store;
    private final FlushOutbox outbox;
    private final String actionsTopic;
    private final Clock clock;

    HandleOrderAction(ActionStore store, FlushOutbox outbox, String actionsTopic, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.actionsTopic = actionsTopic;
        this.clock = clock;
    }

    EventOutcome handle(TypedEvent<PubSubDelivery> event) {
        // The binding runs this in the trace the message carries (its traceparent attribute).
        PubSubDelivery delivery = event.data();
        EventOutcome outcome = handleTraced(delivery);
        String action = delivery.message().getMessage().getAttributesMap().getOrDefault("action", "unknown");
        String named = OrderAction.ACTIONS.contains(action) ? action : "other";
        String result = switch (outcome) {
            case EventOutcome.Done done -> "done";
            case EventOutcome.Reply reply -> "reply";
            case EventOutcome.Reject reject -> "reject";
            case EventOutcome.Retry retry -> "retry";
        };
        Tracing.current().ifPresent(span -> span.attribute("order.action", named));
        processed(named, result).increment();
        return outcome;
    }

    static io.helidon.metrics.api.Counter processed(String action, String outcome) {
        return Meters.counter("order_actions.processed", "order actions handled, by action and outcome",
                              "action", action, "outcome", outcome);
    }

    private EventOutcome handleTraced(PubSubDelivery delivery) {
        OrderAction action;
        try {
            action = OrderAction.from(delivery.message());
        } catch (OrderAction.InvalidActionException e) {
            return EventOutcome.reject(e.getMessage(), e.errors());
        }
        LOGGER.info(() -> action.action() + " for " + action.orderId() + ", message "
                + delivery.message().getMessage().getMessageId() + ", delivery attempt "
                + delivery.deliveryAttempt().map(String::valueOf).orElse("unknown"));
        try {
            return switch (action.action()) {
                case OrderAction.PROCESS_PAYMENT -> processPayment(action);
                case OrderAction.SEND_CONFIRMATION -> sendConfirmation(action);
                case OrderAction.UPDATE_INVENTORY -> updateInventory(action);
                default -> throw new IllegalStateException("validated action " + action.action());
            };
        } catch (OrderStore.StoreUnavailableException e) {
            return EventOutcome.retry("Firestore is unavailable: " + e.getMessage());
        }
    }

    private EventOutcome processPayment(OrderAction action) {
        Optional<String> email = text(action.data(), "customer_email").or(() -> text(action.data(), "email"));
        ActionStore.Payment result = store.processPayment(action.orderId(), clock.instant(),
                                                          customer -> followOns(action.orderId(), customer, email));
        return switch (result) {
            case ActionStore.Payment.Processed processed -> {
                sendNow(processed.followOns());
                yield EventOutcome.done("payment processed; " + processed.followOns().size() + " follow-ons queued");
            }
            case ActionStore.Payment.AlreadyProcessed already ->
                    EventOutcome.done("duplicate: the order is " + already.status() + " already");
            case ActionStore.Payment.Illegal illegal -> EventOutcome.reject(
                    "an order in status " + illegal.status() + " cannot have its payment processed",
                    List.of(new Problem.FieldError("order_id", "is " + illegal.status())));
            case ActionStore.Payment.UnknownOrder unknown -> unknownOrder(action);
        };
    }

    /** What a processed payment hands on. Without an address there is no confirmation to send, only a log line. */
    List<OutboxMessage> followOns(String orderId, String customerId, Optional<String> email) {
        List<OutboxMessage> messages = new ArrayList<>();
        if (email.isPresent()) {
            ObjectNode data = OrderAction.MAPPER.createObjectNode().put("email", email.get())
                    .put("customer_id", customerId);
            messages.add(message(orderId, OrderAction.SEND_CONFIRMATION, data));
        } else {
            LOGGER.warning(() -> "no customer_email in the process_payment data of " + orderId
                    + ": no confirmation is sent");
        }
        messages.add(message(orderId, OrderAction.UPDATE_INVENTORY, OrderAction.MAPPER.createObjectNode()));
        return messages;
    }

    private OutboxMessage message(String orderId, String action, ObjectNode data) {
        ObjectNode body = OrderAction.MAPPER.createObjectNode().put("order_id", orderId).put("action", action);
        body.set("data", data);
        return new OutboxMessage(orderId + ":" + action, actionsTopic,
                                 body.toString().getBytes(StandardCharsets.UTF_8),
                                 OutboxMessage.traced(Map.of("action", action, "order_id", orderId)), orderId,
                                 clock.instant());
    }

    /** Committed follow-ons are safe in the outbox: a publish failure only delays them to the next flush. */
    private void sendNow(List<OutboxMessage> messages) {
        try {
            outbox.send(messages);
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "follow-ons stay in the outbox for the next flush: " + e.getMessage());
        }
    }

    private EventOutcome sendConfirmation(OrderAction action) {
        Optional<String> to = text(action.data(), "email").or(() -> text(action.data(), "customer_email"));
        if (to.isEmpty() || !to.get().matches("[^@\\s]+@[^@\\s]+")) {
            return EventOutcome.reject("a confirmation needs the customer's address",
                                       List.of(new Problem.FieldError("data.email", "is required: an e-mail address")));
        }
        String id = action.orderId();
        String subject = "Your order " + id + " is confirmed";
        String text = "Thank you for your order " + id + ". Your payment has been processed.";
        String html = "<p>Thank you for your order <strong>" + id + "</strong>.</p><p>Your payment has been "
                + "processed.</p>";
        return switch (store.writeConfirmation(id, to.get(), subject, text, html, clock.instant())) {
            case WRITTEN -> EventOutcome.done("confirmation written");
            case ALREADY_WRITTEN -> EventOutcome.done("duplicate: the confirmation exists");
            case UNKNOWN_ORDER -> unknownOrder(action);
        };
    }

    private EventOutcome updateInventory(OrderAction action) {
        return switch (store.updateInventory(action.orderId(), clock.instant())) {
            case RESERVED -> EventOutcome.done("inventory reserved");
            case BACK_ORDERED -> EventOutcome.done("out of stock: the order is back-ordered");
            case ALREADY_DONE -> EventOutcome.done("duplicate: inventory was handled");
            case INVALID_ITEMS -> EventOutcome.reject("the order names an item that is not a SKU ("
                    + Sku.RULE + "): its stock cannot be looked up",
                    List.of(new Problem.FieldError("order_id", "names an order with an invalid item")));
            case UNKNOWN_ORDER -> unknownOrder(action);
        };
    }

    private static EventOutcome unknownOrder(OrderAction action) {
        return EventOutcome.reject("there is no order " + action.orderId(),
                                   List.of(new Problem.FieldError("order_id", "names no order")));
    }

    private static Optional<String> text(JsonNode data, String field) {
        JsonNode node = data.get(field);
        return node != null && node.isTextual() && !node.asText().isBlank() ? Optional.of(node.asText().trim())
                : Optional.empty();
    }
}
