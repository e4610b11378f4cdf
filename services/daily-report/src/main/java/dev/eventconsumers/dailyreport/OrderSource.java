package dev.eventconsumers.dailyreport;

import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/** Orders by creation time, streamed: a day of any size passes through in bounded memory. */
interface OrderSource {
    /**
     * @param totalCents exact total, in hundredths of its currency's unit
     * @param currency   ISO 4217 code
     * @param status     status name
     * @param items      items (SKUs)
     * @param createdAt  creation time
     */
    record Row(long totalCents, String currency, String status, List<String> items, Instant createdAt) {
    }

    /**
     * @param from  inclusive
     * @param to    exclusive
     * @param visit called for each order created in {@code [from, to)}, oldest first
     * @throws dev.eventconsumers.orders.OrderStore.StoreUnavailableException when the store cannot be read
     */
    void forEachCreated(Instant from, Instant to, Consumer<Row> visit);
}
