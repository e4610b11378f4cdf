package dev.eventconsumers.searchindexer;

import dev.eventconsumers.ordersearch.OpenSearchIndex;
import dev.eventconsumers.testkit.TestConfig;
import io.helidon.config.Config;
import dev.eventconsumers.ordersearch.OrderQuery;
import dev.eventconsumers.testkit.OpenSearchServer;
import dev.eventconsumers.testkit.Sample;
import dev.eventconsumers.runtime.ServiceServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import com.google.events.cloud.firestore.v1.ArrayValue;
import com.google.events.cloud.firestore.v1.MapValue;
import com.google.events.cloud.firestore.v1.Value;
import com.google.protobuf.ByteString;
import com.google.protobuf.NullValue;
import com.google.type.LatLng;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The indexer over real HTTP into a real OpenSearch. Each test uses its own order ids. */
@ServerTest
class SearchIndexerTest {
    static final OpenSearchServer SERVER = OpenSearchServer.shared();
    static final OpenSearchIndex INDEX = new OpenSearchIndex(OpenSearchIndex.client(SERVER.url()), "orders");
    static final Instant T0 = Instant.parse("2026-11-27T10:00:00.000001Z");

    private final URI uri;

    SearchIndexerTest(URI uri) {
        this.uri = uri;
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        ServiceServer.routing(routing);
        SearchIndexerService.create(config()).routing(routing);
    }

    /** The indexer's own config, pointed at the test's OpenSearch. */
    static Config config() {
        return TestConfig.of(Map.of("opensearch.url", SERVER.url()));
    }

    static Map<String, Object> stored(String id) throws Exception {
        HttpResponse<String> response = OrderEvents.CLIENT.send(HttpRequest.newBuilder(
                URI.create(SERVER.url() + "/orders/_doc/" + id)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        @SuppressWarnings("unchecked")
        Map<String, Object> source = (Map<String, Object>) new com.fasterxml.jackson.databind.ObjectMapper()
                .readValue(response.body(), Map.class).get("_source");
        return source;
    }

    static void assertIndexed(OrderEvents.Order order) throws Exception {
        Map<String, Object> stored = stored(order.id());
        order.indexed().forEach((key, value) -> assertEquals(value instanceof Long l ? l.intValue() : value,
                                                             stored.get(key), order.id() + " " + key));
        assertEquals(false, stored.get("deleted"));
    }

    static boolean searchable(String id) {
        refresh();
        return INDEX.search(new OrderQuery(Optional.of(id), Optional.empty(), Optional.empty(), 0, 10)).orders()
                .stream().anyMatch(o -> id.equals(o.get("orderId")));
    }

    static void refresh() {
        try {
            OrderEvents.CLIENT.send(HttpRequest.newBuilder(URI.create(SERVER.url() + "/orders/_refresh"))
                                            .POST(HttpRequest.BodyPublishers.noBody()).build(),
                                    HttpResponse.BodyHandlers.discarding());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static OrderEvents.Order order(String id, int version, String status) {
        return new OrderEvents.Order(id, T0.plusSeconds(version), status, "cust-" + id.length(),
                                     List.of("book " + id, "pen"), 1000L + version);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void createUpdateDeleteKeepTheIndexEqualToFirestore(boolean protobuf) throws Exception {
        String id = "ORD-CUD-" + protobuf;
        OrderEvents.Order created = order(id, 1, "CREATED");
        OrderEvents.Order paid = order(id, 2, "PAYMENT_PROCESSED");
        assertEquals(204, OrderEvents.write(null, created, protobuf).send(uri).statusCode());
        assertIndexed(created);
        assertEquals(204, OrderEvents.write(created, paid, protobuf).send(uri).statusCode());
        assertIndexed(paid);
        assertTrue(searchable(id));
        assertEquals(204, OrderEvents.delete(paid, T0.plusSeconds(3), protobuf).send(uri).statusCode());
        assertEquals(true, stored(id).get("deleted"), "a versioned tombstone");
        assertTrue(!searchable(id), "tombstones stay out of search results");
    }

    @Test
    void theFirestoreSamplesAreIndexed() throws Exception {
        for (String name : List.of("firestore-written", "firestore-written-json")) {
            HttpResponse<String> response = OrderEvents.CLIENT.send(Sample.load(name).request(uri),
                                                                     HttpResponse.BodyHandlers.ofString());
            assertEquals(204, response.statusCode(), response.body());
        }
        assertEquals("PAYMENT_PROCESSED", stored("ORD-20261127-1a2b3c4d").get("status"));
    }

    @Test
    void duplicateAndStaleEventsNeverOverwriteNewerState() throws Exception {
        String id = "ORD-STALE";
        OrderEvents.Order v1 = order(id, 1, "CREATED");
        OrderEvents.Order v2 = order(id, 2, "PAYMENT_PROCESSED");
        OrderEvents.Order v3 = order(id, 3, "COMPLETED");
        assertEquals(204, OrderEvents.write(v2, v3, true).send(uri).statusCode());
        assertEquals(204, OrderEvents.write(v1, v2, true).send(uri).statusCode());
        assertEquals(204, OrderEvents.write(null, v1, false).send(uri).statusCode());
        assertEquals(204, OrderEvents.write(v2, v3, true).send(uri).statusCode());
        assertIndexed(v3);
    }

    @Test
    void lateStaleWriteAfterTheDeleteTombstoneOutlivesGcDeletesStaysDeleted() throws Exception {
        String id = "ORD-GC";
        OrderEvents.Order v1 = order(id, 1, "CREATED");
        assertEquals(204, OrderEvents.write(null, v1, true).send(uri).statusCode());
        assertEquals(204, OrderEvents.delete(v1, T0.plusSeconds(2), true).send(uri).statusCode());
        HttpResponse<String> settings = OrderEvents.CLIENT.send(HttpRequest.newBuilder(
                        URI.create(SERVER.url() + "/orders/_settings")).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"index\":{\"gc_deletes\":\"1ms\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, settings.statusCode(), settings.body());
        try {
            Thread.sleep(1500);
            assertEquals(204, OrderEvents.write(null, v1, true).send(uri).statusCode());
            assertEquals(true, stored(id).get("deleted"));
            assertTrue(!searchable(id));
        } finally {
            OrderEvents.CLIENT.send(HttpRequest.newBuilder(URI.create(SERVER.url() + "/orders/_settings"))
                                            .header("Content-Type", "application/json")
                                            .PUT(HttpRequest.BodyPublishers.ofString("{\"index\":{\"gc_deletes\":\"60s\"}}"))
                                            .build(), HttpResponse.BodyHandlers.discarding());
        }
    }

    @Test
    void recreatedOrderComesBackAfterItsDelete() throws Exception {
        String id = "ORD-RECREATE";
        OrderEvents.Order v1 = order(id, 1, "CREATED");
        OrderEvents.Order again = order(id, 5, "CREATED");
        assertEquals(204, OrderEvents.delete(v1, T0.plusSeconds(2), true).send(uri).statusCode());
        assertEquals(204, OrderEvents.write(null, again, true).send(uri).statusCode());
        assertEquals(204, OrderEvents.write(null, v1, true).send(uri).statusCode());
        assertIndexed(again);
        assertTrue(searchable(id));
    }

    @Test
    void everyValidFirestoreDocumentReachesTheIndex() throws Exception {
        // Once refused (422, stale forever): a known field of another type, mixed arrays, NaN and Infinity.
        OrderEvents.Order order = order("ORD-ANY-VALUES", 1, "CREATED");
        Value mixed = Value.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(OrderEvents.string("quill"))
                .addValues(Value.newBuilder().setIntegerValue(7))
                .addValues(Value.newBuilder().setDoubleValue(Double.NaN))
                .addValues(Value.newBuilder().setMapValue(MapValue.newBuilder().putFields("sku", OrderEvents.string("INK"))))
                .addValues(Value.newBuilder().setArrayValue(ArrayValue.newBuilder().addValues(
                        Value.newBuilder().setBooleanValue(true))))
                .addValues(Value.newBuilder().setNullValue(NullValue.NULL_VALUE))
                .addValues(Value.newBuilder().setBytesValue(ByteString.copyFrom(new byte[] {1, 2})))
                .addValues(Value.newBuilder().setGeoPointValue(LatLng.newBuilder().setLatitude(1).setLongitude(2)))
                .addValues(Value.newBuilder().setReferenceValue(OrderEvents.PREFIX + "customers/c1"))
                .addValues(Value.newBuilder().setTimestampValue(OrderEvents.timestamp(T0))))
                .build();
        var document = order.document().toBuilder()
                .putFields("totalCents", OrderEvents.string("lots"))
                .putFields("items", mixed)
                .putFields("discount", Value.newBuilder().setDoubleValue(Double.POSITIVE_INFINITY).build())
                .putFields("notes", Value.newBuilder().setMapValue(MapValue.newBuilder()
                        .putFields("deep", Value.newBuilder().setMapValue(MapValue.newBuilder()
                                .putFields("ratio", Value.newBuilder().setDoubleValue(Double.NEGATIVE_INFINITY).build()))
                                .build())).build())
                .putFields("field" + T0.getEpochSecond(), OrderEvents.string("a writer's new field"))
                .build();
        var data = com.google.events.cloud.firestore.v1.DocumentEventData.newBuilder().setValue(document).build();
        for (boolean protobuf : new boolean[] {true, false}) {
            HttpResponse<String> response = new OrderEvents.Change(data, order.updated(), "any-" + protobuf, protobuf)
                    .send(uri);
            assertEquals(204, response.statusCode(), response.body());
        }
        Map<String, Object> stored = stored("ORD-ANY-VALUES");
        assertEquals(List.of("quill", "INK"), stored.get("items"), "the item names are searchable");
        assertTrue(!stored.containsKey("totalCents"), "a text total is not a search field");
        @SuppressWarnings("unchecked")
        Map<String, Object> kept = (Map<String, Object>) stored.get("document");
        assertEquals("lots", kept.get("totalCents"));
        assertEquals("Infinity", kept.get("discount"));
        assertEquals(10, ((List<?>) kept.get("items")).size(), "every element kept");
        assertTrue(searchable("ORD-ANY-VALUES"));
        // dynamic: false: the writer's new field did not become a mapping.
        HttpResponse<String> mapping = OrderEvents.CLIENT.send(HttpRequest.newBuilder(
                URI.create(SERVER.url() + "/orders/_mapping")).build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(!mapping.body().contains("field" + T0.getEpochSecond()), mapping.body());
    }

    @Test
    void changesOutsideOrdersAreAcknowledgedAndSkipped() throws Exception {
        HttpResponse<String> response = OrderEvents.CLIENT.send(Sample.load("firestore-written-other").request(uri),
                                                                 HttpResponse.BodyHandlers.ofString());
        assertEquals(204, response.statusCode(), response.body());
        HttpResponse<String> absent = OrderEvents.CLIENT.send(HttpRequest.newBuilder(
                URI.create(SERVER.url() + "/orders/_doc/CART-1")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(404, absent.statusCode());
    }

    @Test
    void openSearchDownMeans503ThenRedeliveryCompletes() throws Exception {
        OrderEvents.Order before = order("ORD-OUTAGE", 1, "CREATED");
        assertEquals(204, OrderEvents.write(null, before, true).send(uri).statusCode());
        List<OrderEvents.Order> later = List.of(order("ORD-OUTAGE", 2, "PAYMENT_PROCESSED"),
                                                order("ORD-OUTAGE-2", 1, "CREATED"));
        SERVER.stop();
        try {
            for (OrderEvents.Order order : later) {
                HttpResponse<String> response = OrderEvents.write(null, order, true).send(uri);
                assertEquals(503, response.statusCode(), response.body());
                assertTrue(response.headers().firstValue("Retry-After").isPresent());
            }
        } finally {
            SERVER.start();
        }
        for (OrderEvents.Order order : later) {
            assertEquals(204, OrderEvents.write(null, order, true).send(uri).statusCode());
            assertIndexed(order);
        }
    }
}
