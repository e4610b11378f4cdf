package dev.eventconsumers.dailyreport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventconsumers.orders.Money;
import dev.eventconsumers.orders.OrderStatus;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One day's figures, accumulated order by order in integer cents: count, and per currency (amounts of different
 * currencies never add up) revenue and average (rounded half up to the currency's minor unit), count and revenue by
 * status, orders per hour of the local day (23, 24 or 25 hours), top items. Memory is bounded by the number of
 * distinct items and currencies, not orders.
 */
final class DailyFigures {
    static final int TOP_ITEMS = 10;
    static final ObjectMapper MAPPER = new ObjectMapper();

    final LocalDate date;
    final ZoneId zone;
    final Instant from;
    final Instant to;
    final int hours;
    long orders;
    /** Per currency: orders, revenue in hundredths. */
    final Map<String, long[]> byCurrency = new TreeMap<>();
    /** Per status: orders. */
    final Map<String, Long> statusOrders = new LinkedHashMap<>();
    /** Per status, per currency: revenue in hundredths. */
    final Map<String, Map<String, Long>> statusRevenue = new LinkedHashMap<>();
    final long[] perHour;
    final Map<String, long[]> items = new HashMap<>();

    DailyFigures(LocalDate date, ZoneId zone) {
        this.date = date;
        this.zone = zone;
        this.from = date.atStartOfDay(zone).toInstant();
        this.to = date.plusDays(1).atStartOfDay(zone).toInstant();
        this.hours = (int) Duration.between(from, to).toHours();
        this.perHour = new long[hours];
        for (OrderStatus status : OrderStatus.values()) {
            statusOrders.put(status.name(), 0L);
            statusRevenue.put(status.name(), new TreeMap<>());
        }
    }

    void add(OrderSource.Row row) {
        orders++;
        long[] currency = byCurrency.computeIfAbsent(row.currency(), c -> new long[2]);
        currency[0]++;
        currency[1] = Math.addExact(currency[1], row.totalCents());
        statusOrders.merge(row.status(), 1L, Long::sum);
        statusRevenue.computeIfAbsent(row.status(), s -> new TreeMap<>())
                .merge(row.currency(), row.totalCents(), Math::addExact);
        int hour = (int) Duration.between(from, row.createdAt()).toHours();
        perHour[Math.clamp(hour, 0, hours - 1)]++;
        Map<String, Long> inOrder = new HashMap<>();
        row.items().forEach(item -> inOrder.merge(item, 1L, Long::sum));
        inOrder.forEach((item, quantity) -> {
            long[] counts = items.computeIfAbsent(item, i -> new long[2]);
            counts[0]++;
            counts[1] += quantity;
        });
    }

    /** @return the average order value in a currency, in hundredths, rounded half up to its minor unit */
    static long averageCents(long revenueCents, long orders, String currency) {
        if (orders == 0) {
            return 0;
        }
        int unit = 2 - Money.amount(0, currency).scale();
        BigDecimal step = BigDecimal.ONE.movePointRight(unit);
        return BigDecimal.valueOf(revenueCents).divide(BigDecimal.valueOf(orders).multiply(step), 0, RoundingMode.HALF_UP)
                .multiply(step).longValueExact();
    }

    /** @return hundredths as the currency writes them: 49.99 USD, 1500 JPY */
    static String money(long cents, String currency) {
        return Money.amount(cents, currency).toPlainString();
    }

    /** @return the local start of each hour bucket, e.g. 02:00+01:00 and 02:00+02:00 on a 25-hour day */
    List<ZonedDateTime> hourStarts() {
        List<ZonedDateTime> starts = new ArrayList<>();
        for (int h = 0; h < hours; h++) {
            starts.add(from.plus(Duration.ofHours(h)).atZone(zone));
        }
        return starts;
    }

    List<Map.Entry<String, long[]>> topItems() {
        return items.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, long[]>>comparingLong(e -> -e.getValue()[1])
                                .thenComparingLong(e -> -e.getValue()[0]).thenComparing(Map.Entry::getKey))
                .limit(TOP_ITEMS).toList();
    }

    /** The JSON report; its schema is in the README. */
    ObjectNode toJson(Instant generatedAt) {
        ObjectNode json = MAPPER.createObjectNode();
        json.put("date", date.toString());
        json.put("time_zone", zone.getId());
        json.put("from", from.toString());
        json.put("to", to.toString());
        json.put("hours", hours);
        json.put("order_count", orders);
        ObjectNode revenue = json.putObject("revenue");
        byCurrency.forEach((currency, figures) -> {
            long average = averageCents(figures[1], figures[0], currency);
            revenue.putObject(currency).put("orders", figures[0]).put("revenue_cents", figures[1])
                    .put("revenue", money(figures[1], currency)).put("average_order_value_cents", average)
                    .put("average_order_value", money(average, currency));
        });
        ObjectNode statuses = json.putObject("by_status");
        statusOrders.forEach((status, count) -> {
            ObjectNode node = statuses.putObject(status).put("orders", count);
            ObjectNode perCurrency = node.putObject("revenue");
            statusRevenue.getOrDefault(status, Map.of()).forEach((currency, cents) -> perCurrency.putObject(currency)
                    .put("revenue_cents", cents).put("revenue", money(cents, currency)));
        });
        ArrayNode perHourJson = json.putArray("orders_per_hour");
        List<ZonedDateTime> starts = hourStarts();
        for (int h = 0; h < hours; h++) {
            perHourJson.addObject().put("start", starts.get(h).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                    .put("orders", perHour[h]);
        }
        ArrayNode top = json.putArray("top_items");
        topItems().forEach(e -> top.addObject().put("item", e.getKey()).put("orders", e.getValue()[0])
                .put("quantity", e.getValue()[1]));
        json.put("generated_at", generatedAt.toString());
        return json;
    }
}
