package dev.eventconsumers.orderworker;

import dev.eventconsumers.orders.OrderStatus;
import dev.eventconsumers.orders.OutboxMessage;

import java.time.Instant;
import java.util.List;
import java.util.function.Function;

/**
 * What the actions change, each in one atomic step that is safe to repeat: a duplicate or concurrent delivery finds
 * the step done and changes nothing.
 */
interface ActionStore {

    /** How {@link #processPayment} went. */
    sealed interface Payment {
        /** The order moved to PAYMENT_PROCESSED; these follow-ons were queued with it. */
        record Processed(List<OutboxMessage> followOns) implements Payment {
        }

        /** The order had moved already: nothing changed. */
        record AlreadyProcessed(OrderStatus status) implements Payment {
        }

        /** The order cannot move there. */
        record Illegal(OrderStatus status) implements Payment {
        }

        /** No such order. */
        record UnknownOrder() implements Payment {
        }
    }

    /** How {@link #updateInventory} went. */
    enum Inventory {
        /** Every item was in stock and is taken. */
        RESERVED,
        /** Some item was short: nothing taken, the order is marked back-ordered. */
        BACK_ORDERED,
        /** This order's inventory was handled before. */
        ALREADY_DONE,
        /** An item of the order is not a SKU (it would name another document, or none): nothing taken. */
        INVALID_ITEMS,
        /** No such order. */
        UNKNOWN_ORDER
    }

    /** How {@link #writeConfirmation} went. */
    enum Mail {
        WRITTEN, ALREADY_WRITTEN, UNKNOWN_ORDER
    }

    /**
     * CREATED to PAYMENT_PROCESSED, recording when, and queueing the follow-on actions in the same commit.
     *
     * @param orderId  the order
     * @param at       when
     * @param followOns the follow-ons, made from the order's customer id
     * @return what happened
     */
    Payment processPayment(String orderId, Instant at, Function<String, List<OutboxMessage>> followOns);

    /**
     * Takes the order's items (each item a SKU, quantity = how often it appears) from {@code inventory/{sku}} in one
     * transaction, exactly once per order; when any is short, takes nothing and marks the order back-ordered.
     *
     * @param orderId the order
     * @param at      when
     * @return what happened
     */
    Inventory updateInventory(String orderId, Instant at);

    /**
     * Writes {@code mail/{orderId}-confirmation} in the shape the Firebase "Trigger Email" extension reads.
     *
     * @param orderId the order
     * @param to      the address
     * @param subject subject
     * @param text    plain text
     * @param html    HTML
     * @param at      when
     * @return what happened
     */
    Mail writeConfirmation(String orderId, String to, String subject, String text, String html, Instant at);
}
