package dev.eventconsumers.ordersearch;

import dev.eventconsumers.testkit.OpenSearchServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The read port the orders API answers {@code GET /orders/search} with, against a real OpenSearch. */
class OrderSearchTest {
    static final OpenSearchServer SERVER = OpenSearchServer.shared();
    static final OpenSearchIndex INDEX = new OpenSearchIndex(OpenSearchIndex.client(SERVER.url()), "orders-search-test");

    @BeforeAll
    static void seed() throws Exception {
        Instant t = Instant.parse("2026-11-28T08:00:00.000001Z");
        for (int i = 0; i < 12; i++) {
            String id = String.format("ORD-SEARCH-%02d", i);
            Map<String, Object> order = new LinkedHashMap<>();
            order.put("orderId", id);
            order.put("customerId", i % 2 == 0 ? "cust-even" : "cust-odd");
            order.put("status", i % 3 == 0 ? "COMPLETED" : "CREATED");
            order.put("items", List.of(i == 5 ? "goose quill" : "notebook", "ink " + i));
            order.put("totalCents", 500 + i);
            order.put("createdAt", t.plusSeconds(i).toString());
            order.put("deleted", false);
            INDEX.write(id, 1, order);
        }
        INDEX.write("ORD-SEARCH-11", 2, Map.of("orderId", "ORD-SEARCH-11", "deleted", true));
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(SERVER.url() + "/orders-search-test/_refresh"))
                                                .POST(HttpRequest.BodyPublishers.noBody()).build(),
                                        HttpResponse.BodyHandlers.discarding());
    }

    static OrderSearch.Page search(String text, String customer, String status, int from, int size) {
        return INDEX.search(new OrderQuery(Optional.ofNullable(text), Optional.ofNullable(customer),
                                           Optional.ofNullable(status), from, size));
    }

    static List<Object> ids(OrderSearch.Page page) {
        return page.orders().stream().map(o -> o.get("orderId")).toList();
    }

    @Test
    void fullTextFindsItems() {
        assertEquals(List.of("ORD-SEARCH-05"), ids(search("quill", null, null, 0, 10)));
    }

    @Test
    void filtersByCustomerAndStatus() {
        OrderSearch.Page page = search(null, "cust-even", "COMPLETED", 0, 10);
        assertEquals(List.of("ORD-SEARCH-06", "ORD-SEARCH-00"), ids(page).stream()
                .filter(id -> id.toString().startsWith("ORD-SEARCH")).toList());
        for (Map<String, Object> order : page.orders()) {
            assertEquals("cust-even", order.get("customerId"));
            assertEquals("COMPLETED", order.get("status"));
        }
    }

    @Test
    void pagesAreNewestFirstAndDisjoint() {
        OrderSearch.Page first = search("notebook", null, null, 0, 4);
        OrderSearch.Page second = search("notebook", null, null, 4, 4);
        assertEquals(10, first.total(), "11 notebooks, one of them deleted");
        assertEquals(List.of("ORD-SEARCH-10", "ORD-SEARCH-09", "ORD-SEARCH-08", "ORD-SEARCH-07"), ids(first));
        assertEquals(List.of("ORD-SEARCH-06", "ORD-SEARCH-04", "ORD-SEARCH-03", "ORD-SEARCH-02"), ids(second));
    }

    @Test
    void deletedOrdersAreNeverFound() {
        assertTrue(!ids(search("ORD-SEARCH-11", null, null, 0, 10)).contains("ORD-SEARCH-11"));
    }

    @Test
    void pageBoundsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> search(null, null, null, 0, 101));
        assertThrows(IllegalArgumentException.class, () -> search(null, null, null, -1, 10));
        assertThrows(IllegalArgumentException.class, () -> search(null, null, null, 9_995, 10));
        // Once an int overflow, then OpenSearch's refusal answered 500.
        assertThrows(IllegalArgumentException.class, () -> search(null, null, null, 2_147_483_600, 100));
    }
}
