package dev.eventconsumers.orderworker;

import dev.eventconsumers.telemetry.Tracing;
import com.google.api.core.ApiFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Precondition;
import com.google.cloud.firestore.WriteBatch;
import dev.eventconsumers.orders.FirestoreOutbox;
import dev.eventconsumers.orders.OrderStatus;
import dev.eventconsumers.orders.OrderStore;
import dev.eventconsumers.orders.OutboxMessage;
import dev.eventconsumers.orders.Sku;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The actions' steps as optimistic Firestore commits: read, decide, then commit one batch whose preconditions
 * ({@code updateTime} of every document the decision read, {@code create} for markers) fail if anything changed
 * meanwhile; a failed commit reads again. Nothing is locked, so concurrent deliveries and orders competing for one
 * SKU cannot deadlock (read-write transactions on the emulator did: every transaction held a read lock on the same
 * order and waited for the others to release theirs). Inventory is exactly once per order through the marker
 * {@code inventoryReservations/{orderId}}, created in the commit that takes the stock.
 */
final class FirestoreActionStore implements ActionStore {
    static final String ORDERS = "orders";
    static final String INVENTORY = "inventory";
    static final String RESERVATIONS = "inventoryReservations";
    static final String MAIL = "mail";
    /** Commits tried before the step gives up (and the message is retried): enough for dozens of competitors. */
    static final int ATTEMPTS = 60;

    private final Supplier<Firestore> firestore;

    /** @param firestore the client, waited for on first use (one built in the background while the service starts) */
    FirestoreActionStore(Supplier<Firestore> firestore) {
        this.firestore = firestore;
    }

    @Override
    public Payment processPayment(String orderId, Instant at, Function<String, List<OutboxMessage>> followOns) {
        DocumentReference order = firestore.get().collection(ORDERS).document(orderId);
        for (int attempt = 1; ; attempt++) {
            DocumentSnapshot snapshot = get(order);
            if (!snapshot.exists()) {
                return new Payment.UnknownOrder();
            }
            OrderStatus status = OrderStatus.valueOf(snapshot.getString("status"));
            if (status == OrderStatus.PAYMENT_PROCESSED || status == OrderStatus.COMPLETED) {
                return new Payment.AlreadyProcessed(status);
            }
            if (status.to(OrderStatus.PAYMENT_PROCESSED) != OrderStatus.Transition.ALLOWED) {
                return new Payment.Illegal(status);
            }
            List<OutboxMessage> messages = followOns.apply(snapshot.getString("customerId"));
            Timestamp when = timestamp(at);
            WriteBatch batch = firestore.get().batch();
            Map<String, Object> change = new java.util.HashMap<>(Map.of(
                    "status", OrderStatus.PAYMENT_PROCESSED.name(), "paymentProcessedAt", when, "updatedAt", when));
            // The indexer's event for this change continues the action's trace.
            Tracing.traceparent().ifPresent(traceparent -> change.put("traceparent", traceparent));
            batch.update(order, change, Precondition.updatedAt(snapshot.getUpdateTime()));
            messages.forEach(message -> FirestoreOutbox.queue(batch, firestore.get(), message));
            if (commit(batch, attempt, "process payment of " + orderId)) {
                return new Payment.Processed(messages);
            }
        }
    }

    @Override
    public Inventory updateInventory(String orderId, Instant at) {
        DocumentReference order = firestore.get().collection(ORDERS).document(orderId);
        DocumentReference marker = firestore.get().collection(RESERVATIONS).document(orderId);
        for (int attempt = 1; ; attempt++) {
            if (get(marker).exists()) {
                return Inventory.ALREADY_DONE;
            }
            DocumentSnapshot snapshot = get(order);
            if (!snapshot.exists()) {
                return Inventory.UNKNOWN_ORDER;
            }
            Map<String, Long> wanted = new TreeMap<>();
            if (snapshot.get("items") instanceof List<?> list) {
                list.forEach(item -> wanted.merge(String.valueOf(item), 1L, Long::sum));
            }
            if (!wanted.keySet().stream().allMatch(Sku::valid)) {
                // An item such as "a/b" is a path: it must never become a document reference.
                return Inventory.INVALID_ITEMS;
            }
            List<DocumentSnapshot> stock = new ArrayList<>();
            boolean enough = true;
            for (Map.Entry<String, Long> item : wanted.entrySet()) {
                DocumentSnapshot sku = get(firestore.get().collection(INVENTORY).document(item.getKey()));
                Long quantity = sku.exists() ? sku.getLong("quantity") : null;
                enough &= quantity != null && quantity >= item.getValue();
                stock.add(sku);
            }
            Timestamp when = timestamp(at);
            WriteBatch batch = firestore.get().batch();
            if (enough) {
                for (DocumentSnapshot sku : stock) {
                    batch.update(sku.getReference(), Map.of("quantity", sku.getLong("quantity") - wanted.get(sku.getId()),
                                                            "updatedAt", when),
                                 Precondition.updatedAt(sku.getUpdateTime()));
                }
            }
            Inventory outcome = enough ? Inventory.RESERVED : Inventory.BACK_ORDERED;
            batch.create(marker, Map.of("orderId", orderId, "outcome", outcome.name(), "items", wanted, "at", when));
            batch.update(order, Map.of("fulfillment", outcome.name(), "inventoryCheckedAt", when));
            if (commit(batch, attempt, "update inventory for " + orderId)) {
                return outcome;
            }
        }
    }

    @Override
    public Mail writeConfirmation(String orderId, String to, String subject, String text, String html, Instant at) {
        DocumentReference mail = firestore.get().collection(MAIL).document(orderId + "-confirmation");
        if (!get(firestore.get().collection(ORDERS).document(orderId)).exists()) {
            return Mail.UNKNOWN_ORDER;
        }
        try {
            await(mail.create(Map.of("to", to, "message", Map.of("subject", subject, "text", text, "html", html),
                                     "orderId", orderId, "createdAt", timestamp(at))), "write the confirmation");
            return Mail.WRITTEN;
        } catch (ApiException e) {
            if (e.getStatusCode().getCode() == StatusCode.Code.ALREADY_EXISTS) {
                return Mail.ALREADY_WRITTEN;
            }
            throw unavailable(e, "write the confirmation of " + orderId);
        }
    }

    /** @return whether the batch committed; false when a precondition failed and the step must read again */
    private static boolean commit(WriteBatch batch, int attempt, String what) {
        try {
            await(batch.commit(), what);
            return true;
        } catch (ApiException e) {
            StatusCode.Code code = e.getStatusCode().getCode();
            boolean lostRace = code == StatusCode.Code.FAILED_PRECONDITION || code == StatusCode.Code.ALREADY_EXISTS
                    || code == StatusCode.Code.ABORTED;
            if (!lostRace) {
                throw unavailable(e, what);
            }
            if (attempt >= ATTEMPTS) {
                throw new OrderStore.StoreUnavailableException(what + ": still contended after " + attempt
                                                                       + " attempts", e);
            }
            try {
                Thread.sleep(ThreadLocalRandom.current().nextLong(1, 5 + 5L * Math.min(attempt, 10)));
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new OrderStore.StoreUnavailableException("interrupted: " + what, interrupted);
            }
            return false;
        }
    }

    private static DocumentSnapshot get(DocumentReference document) {
        try {
            return await(document.get(), "read " + document.getPath());
        } catch (ApiException e) {
            throw unavailable(e, "read " + document.getPath());
        }
    }

    private static <T> T await(ApiFuture<T> future, String what) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw new OrderStore.StoreUnavailableException(what + " failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OrderStore.StoreUnavailableException("interrupted: " + what, e);
        }
    }

    /** Every Firestore failure other than a lost race is worth a redelivery: 503, not a dead letter. */
    private static RuntimeException unavailable(ApiException e, String what) {
        return new OrderStore.StoreUnavailableException(what + " failed (" + e.getStatusCode().getCode() + "): "
                                                                + e.getMessage(), e);
    }

    private static Timestamp timestamp(Instant at) {
        return Timestamp.ofTimeSecondsAndNanos(at.getEpochSecond(), at.getNano());
    }
}
