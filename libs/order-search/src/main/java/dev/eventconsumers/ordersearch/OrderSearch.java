package dev.eventconsumers.ordersearch;

import java.util.List;
import java.util.Map;

/** The read port the orders API answers {@code GET /orders/search} with. Tombstones are never returned. */
public interface OrderSearch {

    /**
     * @param total  orders matching, over all pages
     * @param orders this page's orders, as indexed
     */
    record Page(long total, List<Map<String, Object>> orders) {
    }

    /**
     * @param query what to find
     * @return one page of matches, newest first
     * @throws SearchIndex.SearchUnavailableException when the index cannot be reached
     */
    Page search(OrderQuery query);
}
