package dev.eventconsumers.orderworker;

import dev.eventconsumers.testkit.Sample;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.pubsub.v1.PubsubMessage;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.orders.FlushOutbox;
import dev.eventconsumers.orders.OrderStatus;
import dev.eventconsumers.orders.OrderStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker over real HTTP on Google's Firestore and Pub/Sub emulators. */
class OrderWorkerTest {
    static final String EMAIL = "{\"customer_email\":\"ada@example.com\"}";
    static WorkerServer worker;

    @BeforeAll
    static void start() {
        worker = new WorkerServer();
    }

    @AfterAll
    static void stop() {
        if (worker != null) {
            worker.close();
        }
    }

    @BeforeEach
    void clean() {
        worker.reset();
    }

    static String processPayment(String orderId) {
        return WorkerServer.action(orderId, "process_payment", EMAIL);
    }

    List<PubsubMessage> published() {
        return worker.pubsub.pullAll(WorkerServer.TOPIC, Duration.ofMillis(500));
    }

    static Set<String> actions(List<PubsubMessage> messages) {
        Set<String> actions = new HashSet<>();
        messages.forEach(m -> actions.add(m.getAttributesOrThrow("order_id") + " " + m.getAttributesOrThrow("action")));
        return actions;
    }

    @Test
    void processPaymentMovesTheOrderAndHandsOnTheFollowOns() throws Exception {
        String id = worker.seedOrder(1, "book");
        assertEquals(204, worker.publish(processPayment(id)).status());

        DocumentSnapshot order = worker.doc("orders", id);
        assertEquals("PAYMENT_PROCESSED", order.getString("status"));
        assertNotNull(order.getTimestamp("paymentProcessedAt"));
        List<PubsubMessage> messages = published();
        assertEquals(Set.of(id + " send_confirmation", id + " update_inventory"), actions(messages));
        for (PubsubMessage message : messages) {
            assertEquals(id, message.getOrderingKey());
            JsonNode body = OrderAction.MAPPER.readTree(message.getData().toStringUtf8());
            assertEquals(id, body.path("order_id").asText());
            assertEquals(message.getAttributesOrThrow("action"), body.path("action").asText());
        }
        assertEquals(0, worker.flush.flush().sent(), "nothing is left pending");
    }

    @Test
    void sendConfirmationWritesOneTriggerEmailDocument() {
        String id = worker.seedOrder(2, "book");
        String message = WorkerServer.action(id, "send_confirmation", "{\"email\":\"ada@example.com\"}");
        assertEquals(204, worker.publish(message).status());
        DocumentSnapshot mail = worker.doc("mail", id + "-confirmation");
        assertEquals("ada@example.com", mail.getString("to"));
        assertTrue(mail.getString("message.subject").contains(id));
        assertTrue(mail.getString("message.text").contains(id));
        assertTrue(mail.getString("message.html").startsWith("<p>"));
        assertEquals(204, worker.publish(message).status());
        assertEquals(mail.getUpdateTime(), worker.doc("mail", id + "-confirmation").getUpdateTime(),
                     "a duplicate writes nothing new");
        assertEquals(1, worker.count("mail"));
    }

    @Test
    void updateInventoryTakesStockOnceOrMarksTheOrderBackOrdered() {
        worker.seedStock("book", 5);
        worker.seedStock("pen", 1);
        String enough = worker.seedOrder(3, "book", "book", "pen");
        String tooMany = worker.seedOrder(4, "book", "pen");
        assertEquals(204, worker.publish(WorkerServer.action(enough, "update_inventory", "{}")).status());
        assertEquals(3, worker.stock("book"));
        assertEquals(0, worker.stock("pen"));
        assertEquals("RESERVED", worker.doc("orders", enough).getString("fulfillment"));

        assertEquals(204, worker.publish(WorkerServer.action(tooMany, "update_inventory", "{}")).status(),
                     "out of stock is a business outcome, acknowledged");
        assertEquals(3, worker.stock("book"), "nothing is taken from a back-ordered order");
        assertEquals("BACK_ORDERED", worker.doc("orders", tooMany).getString("fulfillment"));
    }

    @Test
    void everyActionDeliveredTenTimesSequentiallyHasOneEffect() {
        worker.seedStock("book", 100);
        String id = worker.seedOrder(5, "book");
        for (int i = 0; i < 10; i++) {
            assertEquals(204, worker.publish(processPayment(id)).status());
            assertEquals(204, worker.push(WorkerServer.action(id, "update_inventory", "{}")).status());
            assertEquals(204, worker.publish(WorkerServer.action(id, "send_confirmation",
                                                                 "{\"email\":\"ada@example.com\"}")).status());
        }
        assertEquals(99, worker.stock("book"));
        assertEquals(1, worker.count("mail"));
        assertEquals(2, worker.count("outbox"));
        assertEquals(2, published().size());
    }

    @Test
    void everyActionDeliveredTenTimesConcurrentlyHasOneEffect() throws Exception {
        worker.seedStock("book", 100);
        String id = worker.seedOrder(6, "book", "book");
        List<Callable<WorkerServer.Answer>> deliveries = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            deliveries.add(() -> worker.publish(processPayment(id)));
            deliveries.add(() -> worker.publish(WorkerServer.action(id, "update_inventory", "{}")));
            deliveries.add(() -> worker.publish(WorkerServer.action(id, "send_confirmation",
                                                                    "{\"email\":\"ada@example.com\"}")));
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(30)) {
            for (Future<WorkerServer.Answer> answer : pool.invokeAll(deliveries)) {
                assertEquals(204, answer.get().status(), answer.get().body());
            }
        }
        assertEquals("PAYMENT_PROCESSED", worker.doc("orders", id).getString("status"));
        assertEquals(98, worker.stock("book"));
        assertEquals(1, worker.count("mail"));
        assertEquals(2, worker.count("outbox"));
        assertEquals(2, published().size());
    }

    @Test
    void twentyOrdersCompetingForTenUnitsFulfilExactlyTen() throws Exception {
        worker.seedStock("sku-1", 10);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(worker.seedOrder(100 + i, "sku-1"));
        }
        List<Callable<WorkerServer.Answer>> deliveries = ids.stream()
                .<Callable<WorkerServer.Answer>>map(id -> () -> worker.publish(
                        WorkerServer.action(id, "update_inventory", "{}"))).toList();
        try (ExecutorService pool = Executors.newFixedThreadPool(20)) {
            for (Future<WorkerServer.Answer> answer : pool.invokeAll(deliveries)) {
                assertEquals(204, answer.get().status(), answer.get().body());
            }
        }
        Map<String, Integer> outcomes = new java.util.HashMap<>();
        ids.forEach(id -> outcomes.merge(worker.doc("orders", id).getString("fulfillment"), 1, Integer::sum));
        assertEquals(Map.of("RESERVED", 10, "BACK_ORDERED", 10), outcomes);
        assertEquals(0, worker.stock("sku-1"));
    }

    @Test
    void aBatchOfFiftyWithFivePoisonMessagesReportsExactlyThoseFive() {
        cancel(worker.seedOrder(999, "book"));
        List<String> bodies = new ArrayList<>();
        Set<Integer> poison = Set.of(3, 11, 20, 33, 47);
        List<String> good = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            switch (i) {
                case 3 -> bodies.add("{not json");
                case 11 -> bodies.add(WorkerServer.action("ORD-20261127-0000000b", "ship_it", "{}"));
                case 20 -> bodies.add("{\"action\":\"process_payment\"}");
                case 33 -> bodies.add(processPayment("ORD-20261127-deadbeef"));
                case 47 -> bodies.add(processPayment("ORD-20261127-000003e7"));
                default -> {
                    String id = worker.seedOrder(200 + i, "book");
                    good.add(id);
                    bodies.add(processPayment(id));
                }
            }
        }
        WorkerServer.Answer answer = worker.batch(bodies);
        assertEquals(422, answer.status(), answer.body());
        assertEquals("application/problem+json", answer.contentType());
        Set<Integer> failed = new HashSet<>();
        for (JsonNode result : answer.json().path("results")) {
            if (result.path("status").asInt() != 204) {
                failed.add(result.path("index").asInt());
                assertEquals(422, result.path("status").asInt());
                assertTrue(result.path("problem").path("detail").asText().length() > 5);
            }
        }
        assertEquals(poison, failed);
        assertEquals(5, answer.json().path("failed").asInt());
        for (String id : good) {
            assertEquals("PAYMENT_PROCESSED", worker.doc("orders", id).getString("status"));
        }
        assertEquals(45, good.size());
        assertEquals(90, published().size(), "two follow-ons for each of the 45");
    }

    @Test
    void followOnsSurviveAPubSubOutage() {
        String id = worker.seedOrder(7, "book");
        worker.pubsubProxy.cut();
        assertEquals(204, worker.publish(processPayment(id)).status(), "the payment is committed with its follow-ons");
        worker.pubsubProxy.restore();
        assertEquals(2, worker.count("outbox"));
        assertEquals(new FlushOutbox.Result(2, 0), worker.flush.flush());
        assertEquals(Set.of(id + " send_confirmation", id + " update_inventory"), actions(published()));
    }

    @Test
    void theOutboxFlushScheduleRunsHereAndRetriesWhilePubSubIsDown() {
        // The API's and the worker's pending actions share one outbox; the schedule's tick flushes it on the worker.
        String id = worker.seedOrder(9, "book");
        worker.pubsubProxy.cut();
        assertEquals(204, worker.publish(processPayment(id)).status());
        assertEquals(503, tick().status(), "a flush that cannot publish asks to be retried");
        worker.pubsubProxy.restore();
        assertEquals(204, tick().status());
        assertEquals(Set.of(id + " send_confirmation", id + " update_inventory"), actions(published()));
        assertEquals(204, tick().status());
        assertTrue(published().isEmpty(), "each pending action is published once");
        // Cloud Scheduler's plain HTTP call with the job's body flushes too.
        assertEquals(204, worker.post("{\"job\":\"outbox-flush\"}", "Content-Type", "application/json",
                                      "X-CloudScheduler", "true", "X-CloudScheduler-JobName", "outbox-flush",
                                      "X-CloudScheduler-ScheduleTime", "2026-11-30T10:00:00Z").status());
    }

    static WorkerServer.Answer tick() {
        Sample ping = Sample.load("ping");
        List<String> headers = new ArrayList<>();
        ping.headers().forEach(h -> {
            headers.add(h.getKey());
            headers.add(h.getValue());
        });
        return worker.post(new String(ping.body(), java.nio.charset.StandardCharsets.UTF_8),
                           headers.toArray(String[]::new));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            malformed JSON         | {"order_id":                                                                   | message.data
            not an object          | ["process_payment"]                                                            | message.data
            missing order id       | {"action":"process_payment","data":{}}                                         | order_id
            malformed order id     | {"order_id":"42","action":"process_payment"}                                   | order_id
            unknown action         | {"order_id":"ORD-20261127-00000008","action":"refund"}                         | action
            no action              | {"order_id":"ORD-20261127-00000008"}                                           | action
            unknown order          | {"order_id":"ORD-20261127-0badc0de","action":"process_payment","data":{}}      | order_id
            unknown order (mail)   | {"order_id":"ORD-20261127-0badc0de","action":"send_confirmation","data":{"email":"a@b.c"}} | order_id
            unknown order (stock)  | {"order_id":"ORD-20261127-0badc0de","action":"update_inventory","data":{}}     | order_id
            confirmation, no email | {"order_id":"ORD-20261127-00000008","action":"send_confirmation","data":{}}    | data.email
            """)
    void poisonMessagesAreRejectedWithTheReason(String name, String body, String field) {
        worker.seedOrder(8, "book");
        WorkerServer.Answer answer = worker.publish(body);
        assertEquals(422, answer.status(), answer.body());
        assertEquals("application/problem+json", answer.contentType());
        Set<String> fields = new HashSet<>();
        answer.json().path("errors").forEach(e -> fields.add(e.path("name").asText()));
        assertTrue(fields.contains(field), answer.body());
        assertEquals(0, worker.count("outbox"));
    }

    static void cancel(String id) {
        FirestoreOrderStore store = new FirestoreOrderStore(worker.direct);
        OrderStore.Versioned current = store.get(id).orElseThrow();
        store.replace(current.order().withStatus(OrderStatus.CANCELLED, Instant.now()), current.version());
    }

    @Test
    void anIllegalTransitionIsRejected() {
        String id = worker.seedOrder(9, "book");
        cancel(id);
        WorkerServer.Answer answer = worker.publish(processPayment(id));
        assertEquals(422, answer.status());
        assertTrue(answer.body().contains("CANCELLED"), answer.body());
        assertEquals("CANCELLED", worker.doc("orders", id).getString("status"));
    }

    @Test
    void theActionAttributeIsEnoughAndAConflictingOneIsRejected() {
        String id = worker.seedOrder(10, "book");
        String noAction = "{\"order_id\":\"" + id + "\",\"data\":" + EMAIL + "}";
        assertEquals(204, worker.publish(noAction, Map.of("action", "process_payment")).status());
        assertEquals("PAYMENT_PROCESSED", worker.doc("orders", id).getString("status"));
        assertEquals(422, worker.publish(processPayment(id), Map.of("action", "update_inventory")).status());
    }

    @Test
    void firestoreDownIs503WithNoPartialEffects() {
        // A worker of its own: after an outage gRPC waits out its reconnect backoff, which other tests should not
        // inherit.
        try (WorkerServer down = new WorkerServer()) {
            String id = down.seedOrder(11, "book");
            down.seedStock("book", 3);
            down.firestoreProxy.cut();
            WorkerServer.Answer answer = down.publish(processPayment(id));
            assertEquals(503, answer.status(), answer.body());
            assertEquals("application/problem+json", answer.contentType());
            assertEquals(503, down.publish(WorkerServer.action(id, "update_inventory", "{}")).status());
            down.firestoreProxy.restore();
            assertEquals("CREATED", down.doc("orders", id).getString("status"));
            assertNull(down.doc("orders", id).getString("fulfillment"));
            assertEquals(3, down.stock("book"));
            assertEquals(0, down.count("outbox"));
            assertEquals(0, down.count("inventoryReservations"));
            assertTrue(down.pubsub.pullAll(WorkerServer.TOPIC, Duration.ofMillis(300)).isEmpty());
        }
    }

    @Test
    void thePlainPushSampleIsHandled() {
        worker.seedOrderWithId("ORD-20261127-1a2b3c4d");
        dev.eventconsumers.testkit.Sample sample =
                dev.eventconsumers.testkit.Sample.load("pubsub-push");
        List<String> headers = new ArrayList<>();
        sample.headers().forEach(h -> {
            headers.add(h.getKey());
            headers.add(h.getValue());
        });
        WorkerServer.Answer answer = worker.post(new String(sample.body()), headers.toArray(String[]::new));
        assertEquals(204, answer.status(), answer.body());
        assertEquals("PAYMENT_PROCESSED", worker.doc("orders", "ORD-20261127-1a2b3c4d").getString("status"));
    }
}
