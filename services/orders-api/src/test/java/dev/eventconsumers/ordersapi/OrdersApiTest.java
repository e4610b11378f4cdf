package dev.eventconsumers.ordersapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.pubsub.v1.PubsubMessage;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.orders.Order;
import dev.eventconsumers.orders.OrderStatus;
import dev.eventconsumers.testkit.Sample;
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
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The API over real HTTP, on Google's Firestore and Pub/Sub emulators, with real signed tokens. */
class OrdersApiTest {
    static final String ORDER = "{\"customer_id\":\"cust-1\",\"total_amount\":49.99,\"items\":[\"book\",\"pen\"]}";
    static ApiServer api;
    String token;

    @BeforeAll
    static void start() {
        api = new ApiServer();
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    @BeforeEach
    void clean() {
        api.firestoreProxy.restore();
        api.pubsubProxy.restore();
        api.firestoreEmulator.reset();
        api.pubsub.topicWithSubscription(ApiServer.TOPIC);
        token = api.token("cust-1");
    }

    ApiServer.Answer create(String body, String... headers) {
        return api.send("POST", "/orders", token, body, headers);
    }

    static Set<String> fieldNames(ApiServer.Answer answer) {
        Set<String> names = new HashSet<>();
        answer.json().path("errors").forEach(e -> names.add(e.path("name").asText()));
        return names;
    }

    @Test
    void createReadDeleteRoundTrip() {
        ApiServer.Answer created = create(ORDER);
        assertEquals(201, created.status(), created.body());
        JsonNode order = created.json();
        String id = order.path("order_id").asText();
        assertTrue(id.matches("ORD-\\d{8}-[0-9a-f]{8}"), id);
        assertEquals("/orders/" + id, created.header("Location").orElseThrow());
        assertEquals("cust-1", order.path("customer_id").asText());
        assertEquals("49.99", order.path("total_amount").decimalValue().toPlainString());
        assertEquals("[\"book\",\"pen\"]", order.path("items").toString());
        assertEquals("CREATED", order.path("status").asText());
        Instant.parse(order.path("created_at").asText());

        ApiServer.Answer read = api.send("GET", "/orders/" + id, token, null);
        assertEquals(200, read.status());
        assertEquals(order, read.json());
        assertEquals(created.etag(), read.etag());

        assertEquals(204, api.send("DELETE", "/orders/" + id, token, null).status());
        assertEquals(404, api.send("GET", "/orders/" + id, token, null).status());
        ApiServer.Answer again = api.send("DELETE", "/orders/" + id, token, null);
        assertEquals(404, again.status());
        assertEquals("application/problem+json", again.header("Content-Type").orElseThrow());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            empty customer      | {"customer_id":"","total_amount":1,"items":["a"]}                          | customer_id
            blank customer      | {"customer_id":"  ","total_amount":1,"items":["a"]}                        | customer_id
            long customer       | {"customer_id":"123456789012345678901234567890123456789012345678901","total_amount":1,"items":["a"]} | customer_id
            customer not text   | {"customer_id":7,"total_amount":1,"items":["a"]}                            | customer_id
            zero amount         | {"customer_id":"c","total_amount":0,"items":["a"]}                          | total_amount
            negative amount     | {"customer_id":"c","total_amount":-5,"items":["a"]}                         | total_amount
            amount over max     | {"customer_id":"c","total_amount":100000.01,"items":["a"]}                  | total_amount
            three decimals      | {"customer_id":"c","total_amount":1.001,"items":["a"]}                      | total_amount
            amount as text      | {"customer_id":"c","total_amount":"10","items":["a"]}                       | total_amount
            no items            | {"customer_id":"c","total_amount":1,"items":[]}                             | items
            item not text       | {"customer_id":"c","total_amount":1,"items":["a",3]}                        | items[1]
            blank item          | {"customer_id":"c","total_amount":1,"items":[""]}                           | items[0]
            unknown field       | {"customer_id":"c","total_amount":1,"items":["a"],"totalCents":100}         | totalCents
            bad email           | {"customer_id":"c","total_amount":1,"items":["a"],"customer_email":"nope"}  | customer_email
            bad currency        | {"customer_id":"c","total_amount":1,"items":["a"],"currency":"usd"}         | currency
            everything missing  | {}                                                                          | customer_id,total_amount,items
            everything wrong    | {"customer_id":"","total_amount":0,"items":[],"x":1}                        | customer_id,total_amount,items,x
            not an object       | [1,2]                                                                       | body
            not JSON            | {"customer_id":                                                             | body
            duplicate field     | {"customer_id":"c","customer_id":"d","total_amount":1,"items":["a"]}        | body
            """)
    void invalidCreateListsEveryFailingField(String name, String body, String fields) {
        ApiServer.Answer answer = create(body);
        assertEquals(400, answer.status(), answer.body());
        assertEquals("application/problem+json", answer.header("Content-Type").orElseThrow());
        assertEquals(Set.of(fields.split(",")), fieldNames(answer), answer.body());
        assertFalse(answer.body().contains("Exception"), answer.body());
    }

    @Test
    void tooManyItemsAndMaxAmountBoundaries() {
        String items = IntStream.range(0, 101).mapToObj(i -> "\"i" + i + "\"").reduce((a, b) -> a + "," + b).orElseThrow();
        assertEquals(Set.of("items"), fieldNames(create("{\"customer_id\":\"cust-1\",\"total_amount\":1,\"items\":["
                                                               + items + "]}")));
        assertEquals(201, create("{\"customer_id\":\"cust-1\",\"total_amount\":100000.00,\"items\":[\"a\"]}").status());
        assertEquals(201, create("{\"customer_id\":\"cust-1\",\"total_amount\":0.01,\"items\":[\"a\"]}").status());
    }

    @Test
    void wrongContentTypeIs415() {
        ApiServer.Answer answer = api.send("POST", "/orders", token, null, "Content-Type", "text/plain");
        assertEquals(415, answer.status());
    }

    @Test
    void moneyIsStoredAsExactCents() throws Exception {
        // 0.1 + 0.2 style amounts: a double would store 1234.5599999...
        ApiServer.Answer created = create("{\"customer_id\":\"cust-1\",\"total_amount\":1234.56,\"items\":[\"a\"]}");
        String id = created.json().path("order_id").asText();
        DocumentSnapshot stored = api.firestore.collection("orders").document(id).get().get();
        assertEquals(123456L, stored.getLong("totalCents"));
        assertEquals("1234.56", created.json().path("total_amount").decimalValue().toPlainString());
    }

    @Test
    void statusMovesOnlyForwardAndEditsOnlyWhileCreated() {
        String id = create(ORDER).json().path("order_id").asText();
        ApiServer.Answer edited = api.send("PATCH", "/orders/" + id, token,
                                           "{\"items\":[\"book\"],\"total_amount\":10.5}");
        assertEquals(200, edited.status(), edited.body());
        assertEquals("10.50", edited.json().path("total_amount").decimalValue().setScale(2).toPlainString());

        String admin = api.adminToken();
        ApiServer.Answer paid = api.send("PATCH", "/orders/" + id, admin, "{\"status\":\"PAYMENT_PROCESSED\"}");
        assertEquals(200, paid.status());
        assertEquals("PAYMENT_PROCESSED", paid.json().path("status").asText());
        assertNotEquals(edited.etag(), paid.etag());

        ApiServer.Answer repeat = api.send("PATCH", "/orders/" + id, token, "{\"status\":\"PAYMENT_PROCESSED\"}");
        assertEquals(200, repeat.status());
        assertEquals(paid.etag(), repeat.etag(), "a repeated transition changes nothing");

        ApiServer.Answer back = api.send("PATCH", "/orders/" + id, admin, "{\"status\":\"CREATED\"}");
        assertEquals(409, back.status());
        assertTrue(back.json().path("type").asText().endsWith("illegal-transition"));
        assertEquals(409, api.send("PATCH", "/orders/" + id, token, "{\"status\":\"CANCELLED\"}").status());
        ApiServer.Answer edit = api.send("PATCH", "/orders/" + id, token, "{\"items\":[\"x\"]}");
        assertEquals(409, edit.status());
        assertTrue(edit.json().path("type").asText().endsWith("order-not-editable"));
        assertEquals(403, api.send("PATCH", "/orders/" + id, token, "{\"status\":\"COMPLETED\"}").status());
        assertEquals(200, api.send("PATCH", "/orders/" + id, admin, "{\"status\":\"COMPLETED\"}").status());

        assertEquals(Set.of("status"), fieldNames(api.send("PATCH", "/orders/" + id, token, "{\"status\":\"SHIPPED\"}")));
        assertEquals(Set.of("body"), fieldNames(api.send("PATCH", "/orders/" + id, token, "{}")));
        assertEquals(Set.of("customer_id"), fieldNames(api.send("PATCH", "/orders/" + id, token,
                                                                "{\"customer_id\":\"cust-2\"}")));
    }

    @Test
    void customersCanCancelButNeverPayOrCompleteOrDeleteAPaidOrder() {
        // Once accepted: a customer marked an order paid, and the worker then reserved no stock and sent no mail.
        String id = create(ORDER).json().path("order_id").asText();
        for (String status : List.of("PAYMENT_PROCESSED", "COMPLETED")) {
            ApiServer.Answer refused = api.send("PATCH", "/orders/" + id, token, "{\"status\":\"" + status + "\"}");
            assertEquals(403, refused.status(), refused.body());
            assertTrue(refused.json().path("type").asText().endsWith("status-change-forbidden"), refused.body());
        }
        assertEquals("CREATED", api.send("GET", "/orders/" + id, token, null).json().path("status").asText());
        assertEquals(200, api.send("PATCH", "/orders/" + id, api.adminToken(), "{\"status\":\"PAYMENT_PROCESSED\"}")
                .status());
        ApiServer.Answer delete = api.send("DELETE", "/orders/" + id, token, null);
        assertEquals(403, delete.status(), delete.body());
        assertTrue(delete.json().path("type").asText().endsWith("delete-forbidden"), delete.body());
        assertEquals(200, api.send("GET", "/orders/" + id, token, null).status(), "a paid order stays on record");
        assertEquals(204, api.send("DELETE", "/orders/" + id, api.adminToken(), null).status());

        String cancelled = create(ORDER).json().path("order_id").asText();
        assertEquals(200, api.send("PATCH", "/orders/" + cancelled, token, "{\"status\":\"CANCELLED\"}").status());
        assertEquals(204, api.send("DELETE", "/orders/" + cancelled, token, null).status());
    }

    @Test
    void itemsAreSkusThatCanNeverNameAnotherDocument() {
        for (String item : List.of("a/b", "x/y/z", ".", "..", "__x__", " book", "-", "tab\\there", "")) {
            ApiServer.Answer refused = create("{\"customer_id\":\"cust-1\",\"total_amount\":1,\"items\":[\"book\","
                                                      + OrderJson.MAPPER.valueToTree(item) + "]}");
            assertEquals(400, refused.status(), item + ": " + refused.body());
            assertEquals(Set.of("items[1]"), fieldNames(refused), item);
        }
        assertEquals(201, create("{\"customer_id\":\"cust-1\",\"total_amount\":1,"
                                         + "\"items\":[\"BK-1.a:2_b\",\"blue mug\",\"Kaffeebecher\u00e4\"]}").status());
    }

    @Test
    void amountsKeepTheirCurrencysMinorUnits() {
        ApiServer.Answer yen = create("{\"customer_id\":\"cust-1\",\"total_amount\":1500,\"currency\":\"JPY\","
                                              + "\"items\":[\"a\"]}");
        assertEquals(201, yen.status(), yen.body());
        assertEquals("1500", yen.json().path("total_amount").asText());
        assertEquals(Set.of("total_amount"), fieldNames(create(
                "{\"customer_id\":\"cust-1\",\"total_amount\":1500.5,\"currency\":\"JPY\",\"items\":[\"a\"]}")));
        assertEquals(Set.of("total_amount"), fieldNames(api.send("PATCH", "/orders/" + yen.json().path("order_id").asText(),
                                                                 token, "{\"total_amount\":10.25}")));
        assertEquals(Set.of("currency"), fieldNames(create(
                "{\"customer_id\":\"cust-1\",\"total_amount\":1,\"currency\":\"XYZ\",\"items\":[\"a\"]}")));
    }

    @Test
    void anyNumberLiteralIsAnsweredAtOnce() {
        // 1e12000000 once took 10 s of CPU; larger exponents exhausted the heap and killed the instance.
        String id = create(ORDER).json().path("order_id").asText();
        for (String literal : List.of("1e12000000", "-1e999999999", "1E-999999999", "9".repeat(1000), "0.1e-99999")) {
            long began = System.nanoTime();
            ApiServer.Answer post = create("{\"customer_id\":\"cust-1\",\"total_amount\":" + literal
                                                   + ",\"items\":[\"a\"]}");
            ApiServer.Answer patch = api.send("PATCH", "/orders/" + id, token, "{\"total_amount\":" + literal + "}");
            assertTrue(System.nanoTime() - began < 2_000_000_000L, literal + " took over 2 s");
            assertEquals(400, post.status(), literal + " " + post.body());
            assertEquals(400, patch.status(), literal + " " + patch.body());
        }
    }

    @Test
    void staleIfMatchIs412AndChangesNothing() {
        ApiServer.Answer created = create(ORDER);
        String id = created.json().path("order_id").asText();
        ApiServer.Answer first = api.send("PATCH", "/orders/" + id, token, "{\"items\":[\"a\"]}",
                                          "If-Match", created.etag());
        assertEquals(200, first.status());
        ApiServer.Answer stale = api.send("PATCH", "/orders/" + id, token, "{\"items\":[\"b\"]}",
                                          "If-Match", created.etag());
        assertEquals(412, stale.status());
        assertEquals("[\"a\"]", api.send("GET", "/orders/" + id, token, null).json().path("items").toString());
        assertEquals(412, api.send("PATCH", "/orders/" + id, token, "{\"items\":[\"b\"]}", "If-Match", "W/\"1\"")
                .status());
        assertEquals(200, api.send("PATCH", "/orders/" + id, token, "{\"items\":[\"b\"]}", "If-Match", "*").status());
    }

    @Test
    void fiftyConcurrentPatchesWithOneIfMatchHaveExactlyOneWinner() throws Exception {
        ApiServer.Answer created = create(ORDER);
        String id = created.json().path("order_id").asText();
        List<Callable<ApiServer.Answer>> patches = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            String body = "{\"items\":[\"item-" + i + "\"]}";
            patches.add(() -> api.send("PATCH", "/orders/" + id, token, body, "If-Match", created.etag()));
        }
        List<Integer> statuses = new ArrayList<>();
        String winner = null;
        try (ExecutorService pool = Executors.newFixedThreadPool(50)) {
            for (Future<ApiServer.Answer> future : pool.invokeAll(patches)) {
                ApiServer.Answer answer = future.get();
                statuses.add(answer.status());
                if (answer.status() == 200) {
                    winner = answer.json().path("items").toString();
                }
            }
        }
        assertEquals(1, statuses.stream().filter(s -> s == 200).count(), statuses.toString());
        assertEquals(49, statuses.stream().filter(s -> s == 412).count(), statuses.toString());
        assertEquals(winner, api.send("GET", "/orders/" + id, token, null).json().path("items").toString());
    }

    @Test
    void idempotencyKeyReturnsTheSameOrderAndRefusesAnotherBody() {
        ApiServer.Answer first = create(ORDER, "Idempotency-Key", "checkout-42");
        ApiServer.Answer second = create(ORDER, "Idempotency-Key", "checkout-42");
        assertEquals(201, first.status());
        assertEquals(201, second.status());
        assertEquals(first.json(), second.json());
        assertEquals("true", second.header("Idempotent-Replayed").orElseThrow());
        assertTrue(first.header("Idempotent-Replayed").isEmpty());

        ApiServer.Answer other = create(ORDER.replace("49.99", "50.00"), "Idempotency-Key", "checkout-42");
        assertEquals(422, other.status());
        assertTrue(other.json().path("type").asText().endsWith("idempotency-key-reused"));

        assertNotEquals(create(ORDER).json().path("order_id"), create(ORDER).json().path("order_id"),
                        "without a key every POST is a new order");
        List<PubsubMessage> messages = api.pubsub.pullAll(ApiServer.TOPIC, Duration.ofMillis(500));
        assertEquals(3, messages.size(), "one action per order made, none for the replay");
    }

    @Test
    void everyOrderHandsProcessPaymentToPubSub() throws Exception {
        JsonNode order = create(ORDER).json();
        List<PubsubMessage> messages = api.pubsub.pullAll(ApiServer.TOPIC, Duration.ofMillis(500));
        assertEquals(1, messages.size());
        PubsubMessage message = messages.getFirst();
        assertEquals(order.path("order_id").asText(), message.getOrderingKey());
        assertEquals("process_payment", message.getAttributesOrThrow("action"));
        JsonNode body = OrderJson.MAPPER.readTree(message.getData().toStringUtf8());
        assertEquals(order.path("order_id"), body.path("order_id"));
        assertEquals("process_payment", body.path("action").asText());
        assertEquals(4999, body.path("data").path("total_cents").asLong());
        assertEquals("cust-1", body.path("data").path("customer_id").asText());
        assertTrue(body.path("data").path("customer_email").isMissingNode());

        create(ORDER.replace("}", ",\"customer_email\":\"ada@example.com\"}"));
        JsonNode withEmail = OrderJson.MAPPER.readTree(api.pubsub.pullAll(ApiServer.TOPIC, Duration.ofMillis(500))
                                                               .getFirst().getData().toStringUtf8());
        assertEquals("ada@example.com", withEmail.path("data").path("customer_email").asText());
    }

    @Test
    void ordersCreatedWhilePubSubIsDownWaitInTheOutboxForTheNextFlush() throws Exception {
        Set<String> before = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            before.add(create(ORDER).json().path("order_id").asText());
        }
        assertEquals(before, orderIds(api.pubsub.pullAll(ApiServer.TOPIC, Duration.ofMillis(500))));

        api.pubsubProxy.cut();
        Set<String> during = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            ApiServer.Answer answer = create(ORDER);
            assertEquals(201, answer.status(), "the order is accepted: its message waits in the outbox");
            during.add(answer.json().path("order_id").asText());
        }
        api.pubsubProxy.restore();
        Set<String> pending = new HashSet<>();
        api.firestore.collection("outbox").whereEqualTo("state", "PENDING").get().get().getDocuments()
                .forEach(d -> pending.add(d.getString("orderingKey")));
        assertEquals(during, pending, "exactly the orders whose messages were not published");
        // The schedule's flush runs on the order worker (OrderWorkerTest); the API takes no events.
        assertEquals(404, api.send("POST", "/", null, new String(Sample.load("ping").body()),
                                   "ce-specversion", "1.0", "ce-id", "tick-1", "ce-type", "dev.knative.sources.ping",
                                   "ce-source", "/apis/v1/namespaces/default/pingsources/outbox-flush").status());
    }

    static Set<String> orderIds(List<PubsubMessage> messages) {
        Set<String> ids = new HashSet<>();
        messages.forEach(m -> ids.add(m.getOrderingKey()));
        assertEquals(messages.size(), ids.size(), "no message twice");
        return ids;
    }

    @Test
    void firestoreDownIs503AndWritesNothing() throws Exception {
        // A server of its own: after an outage gRPC waits out its reconnect backoff (seconds, up to two minutes),
        // which the other tests should not inherit.
        try (ApiServer down = new ApiServer()) {
            String mine = down.token("cust-1");
            down.firestoreProxy.cut();
            ApiServer.Answer answer = down.send("POST", "/orders", mine, ORDER, "Idempotency-Key", "k-1");
            assertEquals(503, answer.status(), answer.body());
            assertTrue(answer.header("Retry-After").isPresent());
            assertEquals("application/problem+json", answer.header("Content-Type").orElseThrow());
            assertEquals(503, down.send("GET", "/orders?limit=5", mine, null).status());
            down.firestoreProxy.restore();

            FirestoreOrderStore direct = new FirestoreOrderStore(down.firestore);
            assertTrue(direct.listByCustomer("cust-1", 10, java.util.Optional.empty()).orders().isEmpty());
            assertTrue(down.pubsub.pullAll(ApiServer.TOPIC, Duration.ofMillis(300)).isEmpty());
            // A client retries a 503 as Retry-After says, with the same key: the key was not used up.
            ApiServer.Answer retried = down.send("POST", "/orders", mine, ORDER, "Idempotency-Key", "k-1");
            int retriesAnswered503 = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (retried.status() == 503 && System.nanoTime() < deadline) {
                retriesAnswered503++;
                Thread.sleep(1000);
                retried = down.send("POST", "/orders", mine, ORDER, "Idempotency-Key", "k-1");
            }
            assertEquals(201, retried.status(), retried.body());
            // While gRPC reconnects, a retry's commit can reach Firestore and still be answered 503 (its deadline ran
            // out waiting for the reply, and so did the read-back that follows); the next retry then gets that order
            // back, replayed. Only a first retry that succeeds shows the key unused, and either way there is exactly
            // one order.
            if (retriesAnswered503 == 0) {
                assertTrue(retried.header("Idempotent-Replayed").isEmpty());
            }
            assertEquals(1, direct.listByCustomer("cust-1", 10, java.util.Optional.empty()).orders().size());
        }
    }

    @Test
    void aCommitThatLandedButGotNoAnswerIs201NotA503() throws Exception {
        // A server of its own, whose Firestore proxy keeps the replies back for a while.
        try (ApiServer late = new ApiServer()) {
            String mine = late.token("cust-1");
            assertEquals(200, late.send("GET", "/orders?limit=5", mine, null).status());
            late.firestoreProxy.holdReplies();
            // The commit reaches Firestore and lands; its reply comes after the commit's deadline (firestore.timeout,
            // 2 s here), so the client sees DEADLINE_EXCEEDED, but within the read-back that follows.
            Thread release = Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(2500);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                late.firestoreProxy.releaseReplies();
            });
            // No Idempotency-Key: a 503 here would have the client retry into a second order.
            ApiServer.Answer answer = late.send("POST", "/orders", mine, ORDER);
            release.join();
            assertEquals(201, answer.status(), answer.body());
            String id = answer.json().path("order_id").asText();
            assertEquals("/orders/" + id, answer.header("Location").orElseThrow());
            FirestoreOrderStore direct = new FirestoreOrderStore(late.firestore);
            assertEquals(List.of(id), direct.listByCustomer("cust-1", 10, java.util.Optional.empty()).orders()
                    .stream().map(Order::orderId).toList());
            // The version the answer carries is the stored one.
            assertEquals(answer.header("ETag").orElseThrow(),
                         late.send("GET", "/orders/" + id, mine, null).header("ETag").orElseThrow());
        }
    }

    @Test
    void pagesThrough250OrdersNewestFirstWithoutGapsOrRepeats() {
        FirestoreOrderStore store = new FirestoreOrderStore(api.firestore);
        Instant t0 = Instant.parse("2026-11-01T00:00:00Z");
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            // Pairs of orders share a creation time: the cursor must break ties by id.
            Instant at = t0.plusSeconds(i / 2);
            Order order = new Order("ORD-20261101-%08x".formatted(i), "cust-1", 100 + i, "USD", List.of("a"),
                                    OrderStatus.CREATED, at, at);
            store.create(order);
            expected.add(order.orderId());
        }
        store.create(new Order("ORD-20261101-ffffffff", "cust-2", 100, "USD", List.of("a"), OrderStatus.CREATED,
                               t0, t0));
        List<String> seen = new ArrayList<>();
        String next = null;
        int pages = 0;
        do {
            ApiServer.Answer page = api.send("GET", "/orders?limit=7" + (next == null ? "" : "&page_token=" + next),
                                             token, null);
            assertEquals(200, page.status(), page.body());
            page.json().path("orders").forEach(o -> seen.add(o.path("order_id").asText()));
            next = page.json().has("next_page_token") ? page.json().path("next_page_token").asText() : null;
            pages++;
        } while (next != null);
        List<String> newestFirst = new ArrayList<>(expected);
        newestFirst.sort((a, b) -> {
            int ia = Integer.parseInt(a.substring(13), 16);
            int ib = Integer.parseInt(b.substring(13), 16);
            int byTime = Integer.compare(ib / 2, ia / 2);
            return byTime != 0 ? byTime : b.compareTo(a);
        });
        assertEquals(newestFirst, seen);
        assertEquals(36, pages);

        assertEquals(20, api.send("GET", "/orders", token, null).json().path("orders").size(), "default limit");
        assertEquals(100, api.send("GET", "/orders?limit=100", token, null).json().path("orders").size());
        assertEquals(Set.of("limit"), fieldNames(api.send("GET", "/orders?limit=101", token, null)));
        assertEquals(Set.of("limit"), fieldNames(api.send("GET", "/orders?limit=zero", token, null)));
        assertEquals(Set.of("page_token"), fieldNames(api.send("GET", "/orders?page_token=bm9wZQ", token, null)));
    }

    @Test
    void corsAnswersPreflightsForConfiguredOriginsOnly() {
        ApiServer.Answer preflight = api.send("OPTIONS", "/orders", null, null, "Origin", "https://shop.example",
                                              "Access-Control-Request-Method", "POST",
                                              "Access-Control-Request-Headers", "authorization,content-type");
        assertEquals(204, preflight.status());
        assertEquals("https://shop.example", preflight.header("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(preflight.header("Access-Control-Allow-Methods").orElseThrow().contains("PATCH"));
        assertTrue(preflight.header("Access-Control-Allow-Headers").orElseThrow().contains("Authorization"));

        assertEquals(403, api.send("OPTIONS", "/orders", null, null, "Origin", "https://evil.example",
                                   "Access-Control-Request-Method", "POST").status());
        ApiServer.Answer get = api.send("GET", "/orders", token, null, "Origin", "https://shop.example");
        assertEquals("https://shop.example", get.header("Access-Control-Allow-Origin").orElseThrow());
        assertTrue(get.header("Access-Control-Expose-Headers").orElseThrow().contains("ETag"));
        assertTrue(api.send("GET", "/orders", token, null, "Origin", "https://evil.example")
                           .header("Access-Control-Allow-Origin").isEmpty());
    }

    @Test
    void openApiDocumentDescribesEveryRouteAndHealthStaysOpen() {
        ApiServer.Answer doc = api.send("GET", "/openapi", null, null, "Accept", "application/json");
        assertEquals(200, doc.status(), doc.body());
        JsonNode paths = doc.json().path("paths");
        assertEquals(Set.of("post", "get"), fieldSet(paths.path("/orders")));
        assertEquals(Set.of("parameters", "get", "patch", "delete"), fieldSet(paths.path("/orders/{order_id}")));
        assertEquals(Set.of("get"), fieldSet(paths.path("/orders/search")));
        // Every documented operation exists: without a token each answers 401, never 404 or 405.
        for (String[] op : List.of(new String[]{"POST", "/orders"}, new String[]{"GET", "/orders"},
                                   new String[]{"GET", "/orders/ORD-20261127-00000000"},
                                   new String[]{"GET", "/orders/search"},
                                   new String[]{"PATCH", "/orders/ORD-20261127-00000000"},
                                   new String[]{"DELETE", "/orders/ORD-20261127-00000000"})) {
            assertEquals(401, api.send(op[0], op[1], null, null).status(), op[0] + " " + op[1]);
        }
        assertEquals(204, api.send("GET", "/observe/health", null, null).status());
        assertNull(api.send("GET", "/observe/health", null, null).json());
    }

    static Set<String> fieldSet(JsonNode node) {
        Set<String> names = new HashSet<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
