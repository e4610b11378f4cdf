package dev.eventconsumers.orders;

import dev.eventconsumers.testkit.TcpProxy;
import dev.eventconsumers.testkit.PubSubEmulator;
import dev.eventconsumers.testkit.FirestoreEmulator;
import com.google.cloud.firestore.Firestore;
import com.google.pubsub.v1.PubsubMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Order and outbox in one commit, publish, mark sent; against Google's Firestore and Pub/Sub emulators. */
class OutboxTest {
    static final String TOPIC = "outbox-test";
    static final Instant T0 = Instant.parse("2026-11-27T09:00:00Z");

    FirestoreEmulator firestoreEmulator;
    PubSubEmulator pubsub;
    Firestore firestore;
    FirestoreOrderStore store;
    FirestoreOutbox outbox;
    TcpProxy pubsubProxy;
    PubSubPublisher publisher;
    FlushOutbox flush;

    @BeforeEach
    void setUp() {
        firestoreEmulator = FirestoreEmulator.shared();
        firestoreEmulator.reset();
        pubsub = PubSubEmulator.shared();
        pubsub.topicWithSubscription(TOPIC);
        firestore = FirestoreOrderStore.emulatorClient(FirestoreEmulator.PROJECT, firestoreEmulator.host());
        store = new FirestoreOrderStore(firestore);
        outbox = new FirestoreOutbox(firestore);
        pubsubProxy = new TcpProxy(pubsub.host());
        publisher = new PubSubPublisher(PubSubEmulator.PROJECT, Optional.of(pubsubProxy.host()), Duration.ofSeconds(2));
        flush = new FlushOutbox(outbox, publisher, Clock.fixed(T0, ZoneOffset.UTC));
    }

    @AfterEach
    void tearDown() {
        publisher.close();
        pubsubProxy.close();
    }

    static Order order(int n) {
        Instant at = T0.plusSeconds(n);
        return new Order("ORD-20261127-%08x".formatted(n), "cust-1", 1000 + n, "USD", List.of("book"),
                         OrderStatus.CREATED, at, at);
    }

    static OutboxMessage action(Order order) {
        return new OutboxMessage(order.orderId() + ":process_payment", TOPIC,
                                 ("{\"order_id\":\"" + order.orderId() + "\",\"action\":\"process_payment\"}")
                                         .getBytes(StandardCharsets.UTF_8),
                                 Map.of("action", "process_payment"), order.orderId(), order.createdAt());
    }

    OutboxMessage createWithAction(int n) {
        Order order = order(n);
        OutboxMessage message = action(order);
        store.create(order, List.of(message), Optional.empty());
        return message;
    }

    @Test
    void messageIsPublishedOnceWithItsKeyAndAttributes() {
        OutboxMessage message = createWithAction(1);
        assertEquals(List.of(message.id()), outbox.pending(10).stream().map(OutboxMessage::id).toList());

        assertEquals(new FlushOutbox.Result(1, 0), flush.send(List.of(message)));

        List<PubsubMessage> received = pubsub.pullAll(TOPIC, Duration.ofMillis(500));
        assertEquals(1, received.size());
        assertEquals("ORD-20261127-00000001", received.getFirst().getOrderingKey());
        assertEquals("process_payment", received.getFirst().getAttributesOrThrow("action"));
        assertEquals(new String(message.data(), StandardCharsets.UTF_8), received.getFirst().getData().toStringUtf8());
        assertTrue(outbox.pending(10).isEmpty(), "sent messages are no longer pending");
        assertEquals(new FlushOutbox.Result(0, 0), flush.flush());
        assertTrue(pubsub.pullAll(TOPIC, Duration.ofMillis(300)).isEmpty());
    }

    @Test
    void pubSubDownLeavesMessagesPendingAndTheNextFlushSendsExactlyThose() {
        List<OutboxMessage> before = IntStream.range(0, 5).mapToObj(this::createWithAction).toList();
        assertEquals(new FlushOutbox.Result(5, 0), flush.send(before));

        pubsubProxy.cut();
        List<OutboxMessage> during = IntStream.range(5, 8).mapToObj(this::createWithAction).toList();
        assertEquals(new FlushOutbox.Result(0, 3), flush.send(during));
        assertEquals(new FlushOutbox.Result(0, 3), flush.flush(), "a flush while Pub/Sub is down sends nothing");
        assertEquals(3, outbox.pending(10).size());

        pubsubProxy.restore();
        assertEquals(new FlushOutbox.Result(3, 0), flush.flush());
        List<String> keys = pubsub.pullAll(TOPIC, Duration.ofMillis(500)).stream()
                .map(PubsubMessage::getOrderingKey).toList();
        List<String> expected = new java.util.ArrayList<>(before.stream().map(OutboxMessage::orderingKey).toList());
        expected.addAll(during.stream().map(OutboxMessage::orderingKey).toList());
        assertEquals(expected.stream().sorted().toList(), keys.stream().sorted().toList(),
                     "every order's message exactly once");
        assertTrue(outbox.pending(10).isEmpty());
    }

    @Test
    void flushPagesThroughMoreThanOnePage() {
        List<OutboxMessage> all = IntStream.range(0, FlushOutbox.PAGE + 20).mapToObj(this::createWithAction).toList();
        assertEquals(new FlushOutbox.Result(all.size(), 0), flush.flush());
        assertEquals(all.size(), pubsub.pullAll(TOPIC, Duration.ofMillis(500)).size());
    }

    @Test
    void idempotencyKeyReplaysTheFirstOrderAndRefusesAnotherRequest() {
        OrderStore.IdempotencyKey key = new OrderStore.IdempotencyKey("cust-1", "key-1", "hash-a");
        Order first = order(1);
        OrderStore.Created created = store.create(first, List.of(action(first)), Optional.of(key));
        assertFalse(created.replayed());

        Order second = order(2);
        OrderStore.Created again = store.create(second, List.of(action(second)), Optional.of(key));
        assertTrue(again.replayed());
        assertEquals(first, again.order().order());
        assertEquals(created.order().version(), again.order().version());
        assertTrue(store.get(second.orderId()).isEmpty(), "the repeat made no order");
        assertEquals(1, outbox.pending(10).size(), "and queued no message");

        Order third = order(3);
        assertThrows(OrderStore.IdempotencyConflictException.class, () -> store.create(
                third, List.of(action(third)), Optional.of(new OrderStore.IdempotencyKey("cust-1", "key-1", "hash-b"))));
        // The same key of another customer is another key.
        assertFalse(store.create(third, List.of(), Optional.of(new OrderStore.IdempotencyKey("cust-2", "key-1", "hash-b")))
                            .replayed());
    }

    @Test
    void firestoreDownWritesNothing() {
        try (TcpProxy firestoreProxy = new TcpProxy(firestoreEmulator.host())) {
            Firestore viaProxy = FirestoreOrderStore.client(Optional.of(FirestoreEmulator.PROJECT), Optional.of(firestoreProxy.host()),
                                                            Duration.ofSeconds(2));
            FirestoreOrderStore proxied = new FirestoreOrderStore(viaProxy);
            proxied.create(order(1), List.of(action(order(1))), Optional.empty());
            firestoreProxy.cut();
            Order order = order(2);
            assertThrows(OrderStore.StoreUnavailableException.class,
                         () -> proxied.create(order, List.of(action(order)), Optional.empty()));
            assertThrows(OrderStore.StoreUnavailableException.class, () -> new FirestoreOutbox(viaProxy).pending(10));
            firestoreProxy.restore();
            assertTrue(store.get(order.orderId()).isEmpty());
            assertEquals(List.of(order(1).orderId() + ":process_payment"),
                         outbox.pending(10).stream().map(OutboxMessage::id).toList());
        }
    }
}
