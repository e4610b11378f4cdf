package dev.eventconsumers.orders;

import dev.eventconsumers.testkit.FirestoreEmulator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Firestore order store against Google's Firestore emulator. */
class FirestoreOrderStoreTest {
    static final Instant T0 = Instant.parse("2026-11-27T09:00:00.123456Z");
    FirestoreOrderStore store;

    @BeforeEach
    void emptyEmulator() {
        FirestoreEmulator emulator = FirestoreEmulator.shared();
        emulator.reset();
        store = new FirestoreOrderStore(FirestoreOrderStore.emulatorClient(FirestoreEmulator.PROJECT, emulator.host()));
    }

    static Order order(String id, String customer, int minutes) {
        Instant at = T0.plusSeconds(60L * minutes);
        return new Order(id, customer, 4999, "USD", List.of("book", "pen"), OrderStatus.CREATED, at, at);
    }

    @Test
    void createdOrderReadsBackExactly() {
        Order order = order("ORD-20261127-00000001", "cust-1", 0);
        OrderStore.Versioned created = store.create(order);
        OrderStore.Versioned read = store.get(order.orderId()).orElseThrow();
        assertEquals(order, read.order());
        assertEquals(created.version(), read.version());
        assertTrue(store.get("ORD-20261127-ffffffff").isEmpty());
    }

    @Test
    void secondCreateOfAnIdFails() {
        store.create(order("ORD-20261127-00000002", "cust-1", 0));
        assertThrows(OrderStore.AlreadyExistsException.class,
                     () -> store.create(order("ORD-20261127-00000002", "cust-2", 1)));
        assertEquals("cust-1", store.get("ORD-20261127-00000002").orElseThrow().order().customerId());
    }

    @Test
    void replaceFromAStaleVersionFailsAndChangesNothing() {
        Order order = order("ORD-20261127-00000003", "cust-1", 0);
        long v1 = store.create(order).version();
        OrderStore.Versioned paid = store.replace(order.withStatus(OrderStatus.PAYMENT_PROCESSED, T0.plusSeconds(5)), v1);
        assertTrue(paid.version() > v1);
        assertThrows(OrderStore.ConcurrentChangeException.class,
                     () -> store.replace(order.withStatus(OrderStatus.CANCELLED, T0.plusSeconds(6)), v1));
        assertEquals(OrderStatus.PAYMENT_PROCESSED, store.get(order.orderId()).orElseThrow().order().status());
    }

    @Test
    void concurrentReplacesFromOneVersionLetExactlyOneWin() throws Exception {
        Order order = order("ORD-20261127-00000004", "cust-1", 0);
        long version = store.create(order).version();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Callable<Boolean>> writers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                writers.add(() -> {
                    try {
                        store.replace(order.withStatus(OrderStatus.PAYMENT_PROCESSED, T0.plusSeconds(9)), version);
                        return true;
                    } catch (OrderStore.ConcurrentChangeException lost) {
                        return false;
                    }
                });
            }
            int winners = 0;
            for (Future<Boolean> won : pool.invokeAll(writers)) {
                winners += won.get() ? 1 : 0;
            }
            assertEquals(1, winners);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void deleteTellsWhetherThereWasAnOrder() {
        store.create(order("ORD-20261127-00000005", "cust-1", 0));
        assertTrue(store.delete("ORD-20261127-00000005"));
        assertTrue(!store.delete("ORD-20261127-00000005"));
        assertTrue(store.get("ORD-20261127-00000005").isEmpty());
    }

    @Test
    void customersOrdersPageNewestFirstWithOpaqueTokens() {
        for (int i = 0; i < 7; i++) {
            store.create(order(String.format("ORD-20261127-%08x", 0x100 + i), "cust-pages", i));
        }
        store.create(order("ORD-20261127-00000999", "someone-else", 3));
        List<String> seen = new ArrayList<>();
        Optional<String> token = Optional.empty();
        int pages = 0;
        do {
            OrderStore.Page page = store.listByCustomer("cust-pages", 3, token);
            page.orders().forEach(o -> seen.add(o.orderId()));
            token = page.nextToken();
            pages++;
        } while (token.isPresent());
        assertEquals(3, pages);
        assertEquals(List.of("ORD-20261127-00000106", "ORD-20261127-00000105", "ORD-20261127-00000104",
                             "ORD-20261127-00000103", "ORD-20261127-00000102", "ORD-20261127-00000101",
                             "ORD-20261127-00000100"), seen);
        assertThrows(IllegalArgumentException.class, () -> store.listByCustomer("cust-pages", 3, Optional.of("bogus")));
    }
}
