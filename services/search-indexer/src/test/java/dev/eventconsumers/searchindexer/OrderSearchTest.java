package dev.eventconsumers.searchindexer;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The read port the orders API will answer {@code GET /orders/search} with, against the real index. (Its route and
 * auth arrive with the orders API.)
 */
class OrderSearchTest {
    static final OpenSearchIndex INDEX = SearchIndexerTest.INDEX;

    @BeforeAll
    static void seed() {
        Instant t = Instant.parse("2026-11-28T08:00:00.000001Z");
        for (int i = 0; i < 12; i++) {
            String id = String.format("ORD-SEARCH-%02d", i);
            OrderEvents.Order order = new OrderEvents.Order(id, t.plusSeconds(i), i % 3 == 0 ? "COMPLETED" : "CREATED",
                                                            i % 2 == 0 ? "cust-even" : "cust-odd",
                                                            List.of(i == 5 ? "goose quill" : "notebook", "ink " + i),
                                                            500 + i);
            OrderChange change = OrderChange.of(OrderEvents.write(null, order, true).data(), Optional.empty());
            OrderChange.Upsert upsert = (OrderChange.Upsert) change;
            INDEX.write(upsert.id(), upsert.version(), upsert.source());
        }
        OrderChange.Tombstone gone = (OrderChange.Tombstone) OrderChange.of(OrderEvents.delete(
                new OrderEvents.Order("ORD-SEARCH-11", t, "CREATED", "cust-odd", List.of(), 1), t.plusSeconds(60),
                true).data(), Optional.of(t.plusSeconds(60).atOffset(java.time.ZoneOffset.UTC)));
        INDEX.write(gone.id(), gone.version(), gone.source());
        SearchIndexerTest.refresh();
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
    }
}
