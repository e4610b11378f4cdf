package dev.eventconsumers.dailyreport;

import dev.eventconsumers.telemetry.Meters;
import com.fasterxml.jackson.databind.JsonNode;
import dev.eventconsumers.blobstore.BlobStore;
import dev.eventconsumers.blobstore.BlobStoreUnavailableException;
import dev.eventconsumers.blobstore.WriteCondition;
import dev.eventconsumers.cloudevents.EventOutcome;
import dev.eventconsumers.orders.OrderStore;
import dev.eventconsumers.problem.Problem;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Writes {@code reports/daily/{yyyy-MM-dd}.json} and {@code .html} for the day before the scheduled time (in the
 * configured zone), or for the {@code date} / {@code from}..{@code to} a payload names. Deduplicated by date, never by
 * event id: a date whose JSON exists is skipped unless the payload says {@code "rerun": true}. The HTML is written
 * first and the JSON last, each object whole, so the JSON's presence means the report is complete.
 */
final class MakeDailyReport {
    static {
        Meters.registerSoon(() -> {
            List.of("done", "reject", "retry").forEach(MakeDailyReport::runs);
            ordersPerReport();
        });
    }

    /** @return orders in each report written */
    static io.helidon.metrics.api.DistributionSummary ordersPerReport() {
        return Meters.distribution("reports.orders", "orders in each daily report written", "orders",
                                   new double[] {1, 10, 100, 1000, 10000, 100000, 1000000});
    }

    /** @param outcome done, reject, retry */
    static io.helidon.metrics.api.Counter runs(String outcome) {
        return Meters.counter("reports.runs", "report requests handled, by outcome", "outcome", outcome);
    }

    static final String PREFIX = "reports/daily/";
    static final LocalDate FIRST_DAY = LocalDate.of(1970, 1, 1);
    static final LocalDate LAST_DAY = LocalDate.of(9998, 12, 31);
    private static final Logger LOGGER = Logger.getLogger(MakeDailyReport.class.getName());

    private final OrderSource orders;
    private final BlobStore reports;
    private final ZoneId zone;
    private final int maxDays;
    private final Clock clock;

    MakeDailyReport(OrderSource orders, BlobStore reports, ZoneId zone, int maxDays, Clock clock) {
        this.orders = orders;
        this.reports = reports;
        this.zone = zone;
        this.maxDays = maxDays;
        this.clock = clock;
    }

    /** What a trigger asked for. */
    record Request(List<LocalDate> dates, boolean rerun) {
    }

    /**
     * @param scheduledAt when the schedule fired (the event's time), if known
     * @param payload     the trigger's payload (Scheduler body, Pub/Sub message, PingSource data), possibly empty
     * @return the report's outcome
     */
    EventOutcome handle(Optional<Instant> scheduledAt, byte[] payload) {
        Request request;
        try {
            request = request(scheduledAt.orElseGet(clock::instant), payload);
        } catch (IllegalArgumentException e) {
            runs("reject").increment();
            return EventOutcome.reject(e.getMessage(), List.of(new Problem.FieldError("payload", e.getMessage())));
        }
        List<String> done = new ArrayList<>();
        try {
            for (LocalDate date : request.dates()) {
                done.add(date + ": " + report(date, request.rerun()));
            }
        } catch (OrderStore.StoreUnavailableException e) {
            runs("retry").increment();
            return EventOutcome.retry("Firestore is unavailable: " + e.getMessage());
        } catch (BlobStoreUnavailableException e) {
            runs("retry").increment();
            return EventOutcome.retry("the reports bucket is unavailable: " + e.getMessage());
        }
        runs("done").increment();
        return EventOutcome.done(String.join("; ", done));
    }

    Request request(Instant scheduledAt, byte[] payload) {
        LocalDate yesterday = scheduledAt.atZone(zone).toLocalDate().minusDays(1);
        JsonNode json = null;
        String text = new String(payload, StandardCharsets.UTF_8).trim();
        if (text.startsWith("{")) {
            try {
                json = DailyFigures.MAPPER.readTree(text);
            } catch (IOException e) {
                throw new IllegalArgumentException("the payload starts like JSON but is not: " + e.getMessage());
            }
        }
        if (json == null) {
            return new Request(List.of(yesterday), false);
        }
        boolean rerun = json.path("rerun").asBoolean(false);
        if (json.hasNonNull("date")) {
            return new Request(List.of(date(json, "date")), rerun);
        }
        if (json.hasNonNull("from") || json.hasNonNull("to")) {
            LocalDate from = date(json, "from");
            LocalDate to = date(json, "to");
            if (to.isBefore(from)) {
                throw new IllegalArgumentException("to (" + to + ") is before from (" + from + ")");
            }
            long days = ChronoUnit.DAYS.between(from, to) + 1;
            if (days > maxDays) {
                throw new IllegalArgumentException("the range has " + days + " days; at most " + maxDays
                                                           + " (report.max-days) per request");
            }
            return new Request(from.datesUntil(to.plusDays(1)).toList(), rerun);
        }
        return new Request(List.of(yesterday), rerun);
    }

    private static LocalDate date(JsonNode json, String field) {
        JsonNode node = json.get(field);
        if (node == null || !node.isTextual()) {
            throw new IllegalArgumentException(field + " must be a date, yyyy-MM-dd");
        }
        LocalDate date;
        try {
            date = LocalDate.parse(node.asText());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " '" + node.asText() + "' is not a date, yyyy-MM-dd");
        }
        // Firestore's timestamps end at 9999-12-31; a day's bounds must fit, in any zone.
        if (date.isBefore(FIRST_DAY) || date.isAfter(LAST_DAY)) {
            throw new IllegalArgumentException(field + " " + date + " is outside " + FIRST_DAY + ".." + LAST_DAY);
        }
        return date;
    }

    private String report(LocalDate date, boolean rerun) {
        String json = PREFIX + date + ".json";
        if (!rerun && reports.stat(json).isPresent()) {
            return "exists already";
        }
        DailyFigures figures = new DailyFigures(date, zone);
        orders.forEachCreated(figures.from, figures.to, figures::add);
        reports.write(PREFIX + date + ".html", ReportHtml.render(figures).getBytes(StandardCharsets.UTF_8),
                      "text/html; charset=utf-8", Map.of("report-date", date.toString()), WriteCondition.always());
        byte[] body = figures.toJson(clock.instant()).toPrettyString().getBytes(StandardCharsets.UTF_8);
        reports.write(json, body, "application/json", Map.of("report-date", date.toString()), WriteCondition.always());
        ordersPerReport().record(figures.orders);
        LOGGER.info(() -> "report " + date + ": " + figures.orders + " orders in " + figures.byCurrency.size()
                + " currencies");
        return figures.orders + " orders";
    }
}
