package dev.eventconsumers.orderworker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import dev.eventconsumers.testkit.FirestoreEmulator;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.orders.FirestoreOutbox;
import dev.eventconsumers.orders.FlushOutbox;
import dev.eventconsumers.orders.Order;
import dev.eventconsumers.orders.OrderStatus;
import dev.eventconsumers.testkit.PubSubEmulator;
import dev.eventconsumers.orders.PubSubPublisher;
import dev.eventconsumers.testkit.TcpProxy;
import dev.eventconsumers.runtime.ServiceServer;
import dev.eventconsumers.testkit.TestConfig;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;

/**
 * The worker as it runs, for tests: a real server on loopback with the production wiring, Google's Firestore and
 * Pub/Sub emulators behind {@link TcpProxy}s so a test can take either away, and helpers that send what Eventarc, a
 * plain push subscription and a batching sender send.
 */
final class WorkerServer implements AutoCloseable {
    static final String TOPIC = "order-actions";

    final FirestoreEmulator firestoreEmulator = FirestoreEmulator.shared();
    final PubSubEmulator pubsub = PubSubEmulator.shared();
    final TcpProxy firestoreProxy = new TcpProxy(firestoreEmulator.host());
    final TcpProxy pubsubProxy = new TcpProxy(pubsub.host());
    /** A direct client, not through the proxy, for seeding and checking. */
    final Firestore direct;
    /** The outbox flush the API's schedule runs, straight to the emulators (the worker's follow-ons share it). */
    final FlushOutbox flush;
    private final PubSubPublisher publisher;
    private final OrderWorkerService service;
    private final WebServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    WorkerServer() {
        firestoreEmulator.reset();
        pubsub.topicWithSubscription(TOPIC);
        direct = FirestoreOrderStore.emulatorClient(FirestoreEmulator.PROJECT, firestoreEmulator.host());
        publisher = new PubSubPublisher(PubSubEmulator.PROJECT, Optional.of(pubsub.host()), Duration.ofSeconds(2));
        flush = new FlushOutbox(new FirestoreOutbox(direct), publisher, Clock.systemUTC());
        Config config = TestConfig.of(Map.of("gcp.project", FirestoreEmulator.PROJECT,
                                             "firestore.emulator.host", firestoreProxy.host(), "firestore.timeout", "PT3S",
                                             "pubsub.emulator.host", pubsubProxy.host(), "pubsub.timeout", "PT2S",
                                             "outbox.topic", TOPIC));
        service = OrderWorkerService.create(config);
        server = ServiceServer.start(config, service);
    }

    void reset() {
        firestoreProxy.restore();
        pubsubProxy.restore();
        firestoreEmulator.reset();
        pubsub.topicWithSubscription(TOPIC);
    }

    /** A CREATED order with these items (each a SKU). */
    String seedOrder(int n, String... items) {
        Instant at = Instant.parse("2026-11-27T10:00:00Z").plusSeconds(n);
        Order order = new Order("ORD-20261127-%08x".formatted(n), "cust-" + n, 1000, "USD", List.of(items),
                                OrderStatus.CREATED, at, at);
        new FirestoreOrderStore(direct).create(order);
        return order.orderId();
    }

    /** A CREATED order with a given id (the samples name one). */
    void seedOrderWithId(String id) {
        Instant at = Instant.parse("2026-11-27T09:00:00Z");
        new FirestoreOrderStore(direct).create(new Order(id, "cust-1", 4999, "USD", List.of("book"), OrderStatus.CREATED,
                                                         at, at));
    }

    void seedStock(String sku, long quantity) {
        await(direct.collection("inventory").document(sku).set(Map.of("quantity", quantity)));
    }

    long stock(String sku) {
        return doc("inventory", sku).getLong("quantity");
    }

    DocumentSnapshot doc(String collection, String id) {
        return await(direct.collection(collection).document(id).get());
    }

    int count(String collection) {
        return await(direct.collection(collection).get()).size();
    }

    static <T> T await(com.google.api.core.ApiFuture<T> future) {
        try {
            return future.get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @return the message body of the reference */
    static String action(String orderId, String action, String data) {
        return "{\"order_id\":\"" + orderId + "\",\"action\":\"" + action + "\",\"data\":" + data + "}";
    }

    /** The Pub/Sub push body ({@code MessagePublishedData} plus what real pushes carry). */
    static ObjectNode pushBody(String messageBody, Map<String, String> attributes, int attempt) {
        ObjectNode root = OrderAction.MAPPER.createObjectNode();
        ObjectNode message = root.putObject("message");
        message.put("data", Base64.getEncoder().encodeToString(messageBody.getBytes(StandardCharsets.UTF_8)));
        ObjectNode attrs = message.putObject("attributes");
        attributes.forEach(attrs::put);
        String id = UUID.randomUUID().toString();
        message.put("messageId", id).put("message_id", id).put("publishTime", "2026-11-27T10:00:00Z");
        root.put("subscription", "projects/demo-orders/subscriptions/order-worker");
        root.put("deliveryAttempt", attempt);
        return root;
    }

    /** Eventarc: binary mode, {@code messagePublished}. */
    Answer publish(String messageBody) {
        return publish(messageBody, Map.of());
    }

    Answer publish(String messageBody, Map<String, String> attributes) {
        return post(pushBody(messageBody, attributes, 1).toString(), "Content-Type", "application/json",
                     "ce-specversion", "1.0", "ce-id", UUID.randomUUID().toString(),
                     "ce-source", "//pubsub.googleapis.com/projects/demo-orders/topics/order-actions",
                     "ce-type", "google.cloud.pubsub.topic.v1.messagePublished");
    }

    /** A plain push subscription: no {@code ce-*} headers. */
    Answer push(String messageBody) {
        return post(pushBody(messageBody, Map.of(), 3).toString(), "Content-Type", "application/json");
    }

    /** {@code application/cloudevents-batch+json}. */
    Answer batch(List<String> messageBodies) {
        ArrayNode events = OrderAction.MAPPER.createArrayNode();
        for (String body : messageBodies) {
            ObjectNode event = events.addObject();
            event.put("specversion", "1.0").put("id", UUID.randomUUID().toString())
                    .put("source", "//pubsub.googleapis.com/projects/demo-orders/topics/order-actions")
                    .put("type", "google.cloud.pubsub.topic.v1.messagePublished")
                    .put("datacontenttype", "application/json");
            event.set("data", pushBody(body, Map.of(), 1));
        }
        return post(events.toString(), "Content-Type", "application/cloudevents-batch+json");
    }

    record Answer(int status, String contentType, String body) {
        JsonNode json() {
            try {
                return OrderAction.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    /** @return the worker's address */
    URI uri() {
        return URI.create("http://127.0.0.1:" + server.port() + "/");
    }

    Answer post(String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri())
                .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                              response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
        service.close();
        publisher.close();
        direct.shutdown();
        firestoreProxy.close();
        pubsubProxy.close();
    }
}
