package dev.eventconsumers.dailyreport;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

/**
 * One day's figures, accumulated order by order in integer cents: count, revenue, average (rounded half up to the
 * cent), count and revenue by status, orders per hour of the local day (23, 24 or 25 hours), top items. Memory is
 * bounded by the number of distinct items, not orders.
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
    long revenueCents;
    final Map<String, long[]> byStatus = new LinkedHashMap<>();
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
            byStatus.put(status.name(), new long[2]);
        }
    }

    void add(OrderSource.Row row) {
        orders++;
        revenueCents = Math.addExact(revenueCents, row.totalCents());
        long[] status = byStatus.computeIfAbsent(row.status(), s -> new long[2]);
        status[0]++;
        status[1] = Math.addExact(status[1], row.totalCents());
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

    /** @return the average order value in cents, rounded half up; 0 for a day without orders */
    long averageCents() {
        return orders == 0 ? 0 : BigDecimal.valueOf(revenueCents)
                .divide(BigDecimal.valueOf(orders), 0, RoundingMode.HALF_UP).longValueExact();
    }

    static String money(long cents) {
        return BigDecimal.valueOf(cents, 2).toPlainString();
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
        json.put("revenue_cents", revenueCents);
        json.put("revenue", money(revenueCents));
        json.put("average_order_value_cents", averageCents());
        json.put("average_order_value", money(averageCents()));
        ObjectNode statuses = json.putObject("by_status");
        byStatus.forEach((status, figures) -> statuses.putObject(status)
                .put("orders", figures[0]).put("revenue_cents", figures[1]).put("revenue", money(figures[1])));
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
