package dev.eventconsumers.ordersapi;

import dev.eventconsumers.telemetry.Meters;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventconsumers.auth.Caller;
import dev.eventconsumers.orders.FlushOutbox;
import dev.eventconsumers.orders.Hashes;
import dev.eventconsumers.orders.Money;
import dev.eventconsumers.orders.Order;
import dev.eventconsumers.orders.OrderIds;
import dev.eventconsumers.orders.OrderStatus;
import dev.eventconsumers.orders.OrderStore;
import dev.eventconsumers.orders.OutboxMessage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.random.RandomGenerator;

/**
 * What the API does with orders, apart from HTTP: who may see what, forward-only status, edits while
 * {@code CREATED}, optimistic concurrency, and the {@code process_payment} action queued with every new order.
 */
final class Orders {
    /** The action every new order hands to the worker. */
    static final String PROCESS_PAYMENT = "process_payment";
    private static final int CREATE_ATTEMPTS = 3;
    private static final int CHANGE_ATTEMPTS = 5;
    private static final Logger LOGGER = Logger.getLogger(Orders.class.getName());

    private final OrderStore store;
    private final FlushOutbox outbox;
    private final String actionsTopic;
    private final Clock clock;
    private final RandomGenerator random;

    Orders(OrderStore store, FlushOutbox outbox, String actionsTopic, Clock clock, RandomGenerator random) {
        this.store = store;
        this.outbox = outbox;
        this.actionsTopic = actionsTopic;
        this.clock = clock;
        this.random = random;
    }

    /** The caller may not act for that customer, or not do that to the order. */
    static final class ForbiddenException extends RuntimeException {
        private final String slug;

        ForbiddenException(String message) {
            this("forbidden-customer", message);
        }

        ForbiddenException(String slug, String message) {
            super(message);
            this.slug = slug;
        }

        String slug() {
            return slug;
        }
    }

    /** No such order, or not one the caller may see (the two are not told apart). */
    static final class NotFoundException extends RuntimeException {
        NotFoundException(String orderId) {
            super("there is no order " + orderId);
        }
    }

    /** The request conflicts with the order's state (illegal transition, edit after CREATED). */
    static final class ConflictException extends RuntimeException {
        private final String slug;

        ConflictException(String slug, String message) {
            super(message);
            this.slug = slug;
        }

        String slug() {
            return slug;
        }
    }

    /** {@code If-Match} names a version that is no longer current. */
    static final class StaleVersionException extends RuntimeException {
        StaleVersionException(String orderId) {
            super("order " + orderId + " changed since the version in If-Match");
        }
    }

    OrderStore.Created place(Caller caller, OrderJson.NewOrder request, Optional<String> idempotencyKey) {
        if (!caller.mayAccess(request.customerId())) {
            throw new ForbiddenException("the token does not act for customer " + request.customerId());
        }
        Optional<OrderStore.IdempotencyKey> key = idempotencyKey.map(k -> new OrderStore.IdempotencyKey(
                request.customerId(), k, Hashes.sha256Hex(request.canonical())));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        for (int attempt = 1; ; attempt++) {
            Order order = new Order(OrderIds.next(clock, random), request.customerId(), request.totalCents(),
                                    request.currency(), request.items(), OrderStatus.CREATED, now, now);
            List<OutboxMessage> messages = List.of(processPayment(order, request.customerEmail()));
            try {
                OrderStore.Created created = store.create(order, messages, key);
                if (!created.replayed()) {
                    sendNow(messages);
                    created(order.currency()).increment();
                    LOGGER.info(() -> "created " + order.orderId() + " for " + order.customerId() + ": "
                            + order.items().size() + " items, " + order.totalCents() + " " + order.currency()
                            + " minor units");
                    amounts(order.currency()).record(order.totalCents());
                }
                return created;
            } catch (OrderStore.AlreadyExistsException e) {
                if (attempt == CREATE_ATTEMPTS) {
                    throw e;
                }
                // 32 random bits per day: a collision is rare, a new id fixes it.
            }
        }
    }

    /** The committed order exists whatever happens here: a failure leaves its message to the next flush. */
    private void sendNow(List<OutboxMessage> messages) {
        try {
            outbox.send(messages);
        } catch (RuntimeException e) {
            LOGGER.log(Level.WARNING, "the order's action stays in the outbox for the next flush: " + e.getMessage());
        }
    }

    OutboxMessage processPayment(Order order, Optional<String> customerEmail) {
        ObjectNode body = OrderJson.MAPPER.createObjectNode();
        body.put("order_id", order.orderId());
        body.put("action", PROCESS_PAYMENT);
        ObjectNode data = body.putObject("data");
        data.put("customer_id", order.customerId());
        data.put("total_amount", Money.amount(order.totalCents(), order.currency()));
        data.put("total_cents", order.totalCents());
        data.put("currency", order.currency());
        order.items().forEach(data.withArray("items")::add);
        customerEmail.ifPresent(email -> data.put("customer_email", email));
        return new OutboxMessage(order.orderId() + ":" + PROCESS_PAYMENT, actionsTopic,
                                 body.toString().getBytes(StandardCharsets.UTF_8),
                                 OutboxMessage.traced(Map.of("action", PROCESS_PAYMENT, "order_id", order.orderId())),
                                 order.orderId(), order.createdAt());
    }

    OrderStore.Versioned get(Caller caller, String orderId) {
        OrderStore.Versioned order = visible(caller, orderId);
        retrieved().increment();
        return order;
    }

    static io.helidon.metrics.api.Counter retrieved() {
        return Meters.counter("orders.retrieved", "orders read by GET /orders/{id}");
    }

    /** Currencies are ISO 4217 codes the API accepted: a bounded tag. */
    static io.helidon.metrics.api.Counter created(String currency) {
        return Meters.counter("orders.created", "orders created (replays of an idempotency key not counted)",
                              "currency", currency);
    }

    static io.helidon.metrics.api.DistributionSummary amounts(String currency) {
        return Meters.distribution("orders.amount", "order totals in the currency's minor units", "minor_units",
                                   new double[] {100, 500, 1000, 2500, 5000, 10000, 25000, 50000, 100000, 1000000,
                                                 10000000}, "currency", currency);
    }

    private OrderStore.Versioned visible(Caller caller, String orderId) {
        if (!OrderIds.valid(orderId)) {
            throw new NotFoundException(orderId);
        }
        return store.get(orderId).filter(v -> caller.mayAccess(v.order().customerId()))
                .orElseThrow(() -> new NotFoundException(orderId));
    }

    /**
     * @param ifMatch the version the client last saw, if it sent one: then only that version may be changed
     */
    OrderStore.Versioned change(Caller caller, String orderId, OrderJson.OrderPatch patch, OptionalLong ifMatch) {
        for (int attempt = 1; ; attempt++) {
            OrderStore.Versioned current = visible(caller, orderId);
            if (ifMatch.isPresent() && ifMatch.getAsLong() != current.version()) {
                throw new StaleVersionException(orderId);
            }
            permitted(caller, current.order(), patch);
            Order changed = apply(current.order(), patch);
            if (changed.equals(current.order())) {
                return current;
            }
            try {
                return store.replace(changed.withStatus(changed.status(), clock.instant().truncatedTo(ChronoUnit.MICROS)),
                                     current.version());
            } catch (OrderStore.ConcurrentChangeException e) {
                if (ifMatch.isPresent()) {
                    throw new StaleVersionException(orderId);
                }
                if (attempt == CHANGE_ATTEMPTS) {
                    throw e;
                }
                // No If-Match: the client asked for the change on whatever is current, so read it again.
            }
        }
    }

    /**
     * Only the system (the worker, an admin) moves an order forward: a customer who could mark an order paid would get
     * it without payment, stock or confirmation. A customer may cancel a {@code CREATED} order, nothing else.
     */
    private static void permitted(Caller caller, Order order, OrderJson.OrderPatch patch) {
        if (caller.admin() || patch.status().isEmpty() || patch.status().get() == order.status()) {
            return;
        }
        if (patch.status().get() != OrderStatus.CANCELLED) {
            throw new ForbiddenException("status-change-forbidden", "only the order system moves an order to " + patch.status().get()
                                                 + "; a customer may cancel a CREATED order");
        }
    }

    private static Order apply(Order order, OrderJson.OrderPatch patch) {
        if (patch.editsContent() && order.status() != OrderStatus.CREATED) {
            throw new ConflictException("order-not-editable", "items and total_amount can change only while the "
                    + "order is CREATED; it is " + order.status());
        }
        long cents = patch.totalCents().orElse(order.totalCents());
        try {
            Money.requireMinorUnits(cents, order.currency());
        } catch (IllegalArgumentException e) {
            throw new OrderJson.InvalidRequestException("the change is not valid", List.of(
                    new dev.eventconsumers.problem.Problem.FieldError("total_amount", e.getMessage())));
        }
        List<String> items = patch.items().orElse(order.items());
        OrderStatus status = order.status();
        if (patch.status().isPresent()) {
            OrderStatus next = patch.status().get();
            if (order.status().to(next) == OrderStatus.Transition.ILLEGAL) {
                throw new ConflictException("illegal-transition", "an order cannot go from " + order.status()
                        + " to " + next + "; status moves only forward");
            }
            status = next;
        }
        return new Order(order.orderId(), order.customerId(), cents, order.currency(), items, status,
                         order.createdAt(), order.updatedAt());
    }

    /** A customer deletes only what never went further than created or cancelled; a paid order stays on record. */
    boolean delete(Caller caller, String orderId) {
        OrderStatus status = visible(caller, orderId).order().status();
        if (!caller.admin() && status != OrderStatus.CREATED && status != OrderStatus.CANCELLED) {
            throw new ForbiddenException("delete-forbidden", "an order that is " + status + " stays on record; a customer may delete a "
                                                 + "CREATED or CANCELLED order");
        }
        return store.delete(orderId);
    }

    OrderStore.Page list(Caller caller, Optional<String> customerId, int limit, Optional<String> pageToken) {
        String customer = customerId.or(caller::customerId).orElseThrow(() -> new OrderJson.InvalidRequestException(
                "customer_id is required", List.of(new dev.eventconsumers.problem.Problem.FieldError(
                        "customer_id", "is required for a token without a customer"))));
        if (!caller.mayAccess(customer)) {
            throw new ForbiddenException("the token does not act for customer " + customer);
        }
        return store.listByCustomer(customer, limit, pageToken);
    }
}
