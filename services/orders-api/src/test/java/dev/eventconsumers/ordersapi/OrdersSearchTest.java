package dev.eventconsumers.ordersapi;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventconsumers.ordersearch.OpenSearchIndex;
import dev.eventconsumers.testkit.OpenSearchServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * {@code GET /orders/search} over the real OpenSearch the indexer writes (documents in the indexer's shape, written
 * through its own adapter), with real tokens: a customer finds only its own orders.
 */
class OrdersSearchTest {
    static OpenSearchServer opensearch;
    static ApiServer api;

    @BeforeAll
    static void start() throws Exception {
        opensearch = OpenSearchServer.shared();
        OpenSearchIndex index = new OpenSearchIndex(OpenSearchIndex.client(opensearch.url()), "orders");
        Instant t = Instant.parse("2026-11-27T10:00:00Z");
        for (int i = 0; i < 6; i++) {
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("orderId", "ORD-20261127-0000000" + i);
            source.put("customerId", i % 2 == 0 ? "cust-1" : "cust-2");
            source.put("totalCents", 1000L + i);
            source.put("currency", "USD");
            source.put("items", List.of(i == 2 ? "goose quill" : "notebook"));
            source.put("status", i == 4 ? "COMPLETED" : "CREATED");
            source.put("createdAt", t.plusSeconds(i).toString());
            source.put("updatedAt", t.plusSeconds(i).toString());
            source.put("deleted", false);
            source.put("updateTime", t.plusSeconds(i).toString());
            index.write((String) source.get("orderId"), 1, source);
        }
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(opensearch.url() + "/orders/_refresh"))
                                                .POST(HttpRequest.BodyPublishers.noBody()).build(),
                                        HttpResponse.BodyHandlers.discarding());
        api = new ApiServer(opensearch.url());
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    static List<String> ids(ApiServer.Answer answer) {
        List<String> ids = new ArrayList<>();
        answer.json().path("orders").forEach(o -> ids.add(o.path("order_id").asText()));
        return ids;
    }

    @Test
    void aCustomerFindsOnlyItsOwnOrdersNewestFirst() {
        ApiServer.Answer all = api.send("GET", "/orders/search", api.token("cust-1"), null);
        assertEquals(200, all.status(), all.body());
        assertEquals(List.of("ORD-20261127-00000004", "ORD-20261127-00000002", "ORD-20261127-00000000"), ids(all));
        assertEquals(3, all.json().path("total").asLong());
        JsonNode first = all.json().path("orders").get(0);
        assertEquals("10.04", first.path("total_amount").decimalValue().toPlainString());
        assertEquals("COMPLETED", first.path("status").asText());

        assertEquals(List.of("ORD-20261127-00000002"),
                     ids(api.send("GET", "/orders/search?q=quill", api.token("cust-1"), null)));
        assertEquals(List.of(), ids(api.send("GET", "/orders/search?q=quill", api.token("cust-2"), null)),
                     "another customer's order is not found");
        assertEquals(List.of("ORD-20261127-00000004"),
                     ids(api.send("GET", "/orders/search?status=COMPLETED", api.token("cust-1"), null)));
        assertEquals(List.of("ORD-20261127-00000002"),
                     ids(api.send("GET", "/orders/search?from=1&size=1", api.token("cust-1"), null)));
    }

    @Test
    void anotherCustomerIs403AndAnAdminSearchesEveryone() {
        assertEquals(403, api.send("GET", "/orders/search?customer_id=cust-2", api.token("cust-1"), null).status());
        assertEquals(6, api.send("GET", "/orders/search", api.adminToken(), null).json().path("total").asLong());
        assertEquals(3, api.send("GET", "/orders/search?customer_id=cust-2", api.adminToken(), null)
                .json().path("total").asLong());
    }

    @Test
    void badParametersAre400AndNoTokenIs401() {
        assertEquals(400, api.send("GET", "/orders/search?size=101", api.token("cust-1"), null).status());
        assertEquals(400, api.send("GET", "/orders/search?from=x", api.token("cust-1"), null).status());
        assertEquals(401, api.send("GET", "/orders/search", null, null).status());
    }

    @Test
    void openSearchDownIs503() {
        try (ApiServer noSearch = new ApiServer()) {
            ApiServer.Answer answer = noSearch.send("GET", "/orders/search", noSearch.token("cust-1"), null);
            assertEquals(503, answer.status(), answer.body());
            assertEquals("application/problem+json", answer.header("Content-Type").orElseThrow());
        }
    }
}
