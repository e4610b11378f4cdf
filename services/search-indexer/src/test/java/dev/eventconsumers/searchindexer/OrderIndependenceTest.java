package dev.eventconsumers.searchindexer;

import dev.eventconsumers.testkit.OpenSearchServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventconsumers.runtime.ServiceServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A property: whatever order the events of one document's history arrive in, with whatever duplicates, the index
 * ends equal to Firestore's final state. One history of 20 versions with a delete and a re-create, delivered in 200
 * random orders (one order id each), with a seed fixed per run and printed on failure
 * ({@code -Dproperty.seed=N} replays a run).
 */
@ServerTest
class OrderIndependenceTest {
    static final int VERSIONS = 20;
    static final int ORDERINGS = 200;
    static final ObjectMapper JSON = new ObjectMapper();

    private final URI uri;

    OrderIndependenceTest(URI uri) {
        this.uri = uri;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        ServiceServer.routing(routing);
        SearchIndexerService.create(SearchIndexerTest.config()).routing(routing);
    }

    /** The history of one document: created, updated, deleted at version 8, re-created at 12, updated to 20. */
    static List<OrderEvents.Change> history(String id, Random random) {
        List<OrderEvents.Change> changes = new ArrayList<>();
        Instant t0 = Instant.parse("2026-11-27T12:00:00.000001Z");
        String[] statuses = {"CREATED", "PAYMENT_PROCESSED", "COMPLETED"};
        OrderEvents.Order previous = null;
        for (int v = 1; v <= VERSIONS; v++) {
            Instant at = t0.plusMillis(v * 1000L + random.nextInt(999));
            if (v == 8) {
                changes.add(OrderEvents.delete(previous, at, random.nextBoolean()));
                previous = null;
                continue;
            }
            OrderEvents.Order order = new OrderEvents.Order(id, at, statuses[Math.min(2, v / 7)], "cust-prop",
                                                            List.of("item v" + v), 100L * v);
            changes.add(OrderEvents.write(previous, order, random.nextBoolean()));
            previous = order;
        }
        return changes;
    }

    @Test
    void anyOrderOfDeliveryWithDuplicatesEndsAtFirestoresFinalState() throws Exception {
        long seed = Long.getLong("property.seed", System.nanoTime());
        Random random = new Random(seed);
        List<Callable<String>> orderings = new ArrayList<>();
        for (int n = 0; n < ORDERINGS; n++) {
            String id = "ORD-PROP-" + seed + "-" + n;
            List<OrderEvents.Change> history = history(id, new Random(random.nextLong()));
            List<OrderEvents.Change> deliveries = new ArrayList<>();
            for (OrderEvents.Change change : history) {
                int copies = 1 + random.nextInt(3);
                for (int c = 0; c < copies; c++) {
                    deliveries.add(change);
                }
            }
            Collections.shuffle(deliveries, random);
            OrderEvents.Change last = history.getLast();
            orderings.add(() -> {
                for (OrderEvents.Change change : deliveries) {
                    HttpResponse<String> response = change.send(uri);
                    if (response.statusCode() != 204) {
                        return id + ": " + response.statusCode() + " " + response.body();
                    }
                }
                return verify(id, last);
            });
        }
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            for (Future<String> result : pool.invokeAll(orderings)) {
                assertEquals("ok", result.get(), "seed " + seed + " (replay with -Dproperty.seed=" + seed + ")");
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** @return "ok" when the stored document is the last version of the history */
    static String verify(String id, OrderEvents.Change last) throws Exception {
        HttpResponse<String> response = OrderEvents.CLIENT.send(HttpRequest.newBuilder(
                URI.create(OpenSearchServer.shared().url() + "/orders/_doc/" + id)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode stored = JSON.readTree(response.body());
        long expectedVersion = FirestoreValues.micros(last.eventTime());
        if (stored.path("_version").asLong() != expectedVersion) {
            return id + ": version " + stored.path("_version").asLong() + ", expected " + expectedVersion;
        }
        boolean deleted = !last.data().hasValue();
        if (stored.path("_source").path("deleted").asBoolean() != deleted) {
            return id + ": deleted=" + stored.path("_source").path("deleted") + ", expected " + deleted;
        }
        if (!deleted) {
            String status = last.data().getValue().getFieldsOrThrow("status").getStringValue();
            if (!status.equals(stored.path("_source").path("status").asText())) {
                return id + ": status " + stored.path("_source").path("status") + ", expected " + status;
            }
        }
        return "ok";
    }
}
