package dev.eventconsumers.dailyreport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventconsumers.blobstore.BlobStore;
import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.testkit.UnreachableStorage;
import dev.eventconsumers.testkit.FirestoreEmulator;
import dev.eventconsumers.testkit.TestConfig;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.orders.Order;
import dev.eventconsumers.orders.OrderStatus;
import dev.eventconsumers.runtime.ServiceServer;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The report over real HTTP from every trigger kind, on Google's Firestore emulator and a folder bucket. */
class DailyReportTest {
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
    static final AtomicInteger IDS = new AtomicInteger();
    @TempDir
    static Path buckets;
    static FirestoreEmulator emulator;
    static FirestoreOrderStore store;
    static BlobStore reports;
    static WebServer utc;
    static WebServer berlin;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        emulator = FirestoreEmulator.shared();
        store = new FirestoreOrderStore(FirestoreOrderStore.emulatorClient(FirestoreEmulator.PROJECT, emulator.host()));
        reports = Buckets.filesystem(buckets).bucket("reports");
        utc = server(config("UTC", "reports", emulator.host()), Buckets.filesystem(buckets));
        berlin = server(config(BERLIN.getId(), "reports-berlin", emulator.host()), Buckets.filesystem(buckets));
    }

    /** The report's own config with the test's zone, bucket and Firestore. */
    static Config config(String zone, String bucket, String firestore) {
        return TestConfig.of(Map.of("report.zone", zone, "report.bucket", bucket, "gcp.project", FirestoreEmulator.PROJECT,
                                    "firestore.emulator.host", firestore, "firestore.timeout", "PT2S"));
    }

    static WebServer server(Config config, Buckets buckets) {
        return ServiceServer.start(config, DailyReportService.create(config, buckets, Clock.systemUTC()));
    }

    @AfterAll
    static void stop() {
        for (WebServer server : new WebServer[]{utc, berlin}) {
            if (server != null) {
                server.stop();
            }
        }
    }

    @BeforeEach
    void clean() {
        emulator.reset();
        for (BlobStore bucket : List.of(reports, Buckets.filesystem(buckets).bucket("reports-berlin"))) {
            bucket.list("").forEach(blob -> bucket.delete(blob.name()));
        }
    }

    static void order(String createdAt, String amount, OrderStatus status, String... items) {
        order(createdAt, amount, "USD", status, items);
    }

    static void order(String createdAt, String amount, String currency, OrderStatus status, String... items) {
        Instant at = Instant.parse(createdAt);
        store.create(new Order("ORD-20260101-%08x".formatted(IDS.incrementAndGet()), "cust-1",
                               dev.eventconsumers.orders.Money.cents(new java.math.BigDecimal(amount)), currency,
                               List.of(items.length == 0 ? new String[]{"book"} : items), status, at, at));
    }

    /** A Knative PingSource tick at that time, with that data. */
    static HttpResponse<String> ping(WebServer server, String time, String data) {
        return post(server, data, "ce-specversion", "1.0", "ce-id", "tick-" + IDS.incrementAndGet(),
                    "ce-source", "/apis/v1/namespaces/default/pingsources/daily-report",
                    "ce-type", "dev.knative.sources.ping", "ce-time", time, "Content-Type", "application/json");
    }

    static HttpResponse<String> post(WebServer server, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(60));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode report(BlobStore bucket, String date) throws IOException {
        return DailyFigures.MAPPER.readTree(bucket.read("reports/daily/" + date + ".json").orElseThrow(
                () -> new AssertionError("no report for " + date)));
    }

    @Test
    void eachOrderLandsInExactlyOneDay() throws IOException {
        order("2026-11-25T23:59:59.999999Z", "1.00", OrderStatus.CREATED);
        order("2026-11-26T00:00:00Z", "2.00", OrderStatus.CREATED);
        order("2026-11-26T23:59:59.999999Z", "3.00", OrderStatus.CREATED);
        order("2026-11-27T00:00:00Z", "4.00", OrderStatus.CREATED);
        assertEquals(204, ping(utc, "2026-11-27T02:00:00Z", "{\"job\":\"daily-report\"}").statusCode());
        JsonNode day = report(reports, "2026-11-26");
        assertEquals(2, day.path("order_count").asLong());
        assertEquals("5.00", day.path("revenue").path("USD").path("revenue").asText());
        assertEquals(1, day.path("orders_per_hour").get(0).path("orders").asLong());
        assertEquals(1, day.path("orders_per_hour").get(23).path("orders").asLong());

        assertEquals(204, ping(utc, "2026-11-27T02:00:00Z", "{\"from\":\"2026-11-25\",\"to\":\"2026-11-27\",\"rerun\":true}")
                .statusCode());
        assertEquals(List.of(1L, 2L, 1L), List.of(report(reports, "2026-11-25").path("order_count").asLong(),
                                                 report(reports, "2026-11-26").path("order_count").asLong(),
                                                 report(reports, "2026-11-27").path("order_count").asLong()));
    }

    @Test
    void daylightSavingDaysHave23And25Hours() throws IOException {
        BlobStore bucket = Buckets.filesystem(buckets).bucket("reports-berlin");
        // 2026-03-29: clocks go from 02:00 to 03:00 in Berlin.
        order("2026-03-28T23:30:00Z", "1.00", OrderStatus.CREATED);    // 00:30+01:00, first hour
        order("2026-03-29T01:30:00Z", "1.00", OrderStatus.CREATED);    // 03:30+02:00, third hour
        order("2026-03-29T21:59:00Z", "1.00", OrderStatus.CREATED);    // 23:59+02:00, last hour
        order("2026-03-29T22:00:00Z", "1.00", OrderStatus.CREATED);    // next day
        // 2026-10-25: clocks go from 03:00 back to 02:00.
        order("2026-10-25T00:30:00Z", "1.00", OrderStatus.CREATED);    // 02:30+02:00
        order("2026-10-25T01:30:00Z", "1.00", OrderStatus.CREATED);    // 02:30+01:00, an hour later
        order("2026-10-25T22:59:00Z", "1.00", OrderStatus.CREATED);    // 23:59+01:00, last hour
        assertEquals(204, ping(berlin, "2026-11-27T02:00:00Z",
                               "{\"date\":\"2026-03-29\"}").statusCode());
        assertEquals(204, ping(berlin, "2026-11-27T02:00:00Z", "{\"date\":\"2026-10-25\"}").statusCode());

        JsonNode spring = report(bucket, "2026-03-29");
        assertEquals(23, spring.path("hours").asInt());
        assertEquals(23, spring.path("orders_per_hour").size());
        assertEquals(3, spring.path("order_count").asLong());
        assertEquals("2026-03-28T23:00:00Z", spring.path("from").asText());
        assertEquals(1, spring.path("orders_per_hour").get(0).path("orders").asLong());
        assertEquals("2026-03-29T03:00:00+02:00", spring.path("orders_per_hour").get(2).path("start").asText());
        assertEquals(1, spring.path("orders_per_hour").get(2).path("orders").asLong());
        assertEquals(1, spring.path("orders_per_hour").get(22).path("orders").asLong());

        JsonNode autumn = report(bucket, "2026-10-25");
        assertEquals(25, autumn.path("hours").asInt());
        assertEquals(3, autumn.path("order_count").asLong());
        assertEquals("2026-10-25T02:00:00+02:00", autumn.path("orders_per_hour").get(2).path("start").asText());
        assertEquals("2026-10-25T02:00:00+01:00", autumn.path("orders_per_hour").get(3).path("start").asText());
        assertEquals(1, autumn.path("orders_per_hour").get(2).path("orders").asLong());
        assertEquals(1, autumn.path("orders_per_hour").get(3).path("orders").asLong());
        assertEquals(1, autumn.path("orders_per_hour").get(24).path("orders").asLong());
    }

    @Test
    void anEmptyDayGivesAValidZeroReport() throws IOException {
        assertEquals(204, ping(utc, "2026-11-27T02:00:00Z", "").statusCode());
        JsonNode day = report(reports, "2026-11-26");
        assertEquals(0, day.path("order_count").asLong());
        assertEquals(0, day.path("revenue").size(), "no currency, no revenue");
        assertEquals(24, day.path("orders_per_hour").size());
        assertEquals(0, day.path("top_items").size());
        assertEquals(4, day.path("by_status").size());
        assertTrue(reports.read("reports/daily/2026-11-26.html").isPresent());
    }

    @Test
    void sumsThatADoubleGetsWrongAreExact() throws IOException {
        List<String> amounts = new ArrayList<>(java.util.Collections.nCopies(10, "0.10"));
        amounts.addAll(List.of("0.20", "99999.99", "12345.67"));
        double asDoubles = 0;
        for (String amount : amounts) {
            order("2026-11-26T10:00:00Z", amount, OrderStatus.PAYMENT_PROCESSED, "pen");
            asDoubles += Double.parseDouble(amount);
        }
        assertNotEquals(new java.math.BigDecimal("112346.86"), new java.math.BigDecimal(asDoubles),
                        "a double sum is off");
        assertEquals(204, ping(utc, "2026-11-27T02:00:00Z", "").statusCode());
        JsonNode day = report(reports, "2026-11-26");
        JsonNode usd = day.path("revenue").path("USD");
        assertEquals(11234686, usd.path("revenue_cents").asLong());
        assertEquals("112346.86", usd.path("revenue").asText());
        // 112346.86 / 13 = 8642.0661... -> 8642.07 (half up)
        assertEquals("8642.07", usd.path("average_order_value").asText());
        assertEquals(13, day.path("by_status").path("PAYMENT_PROCESSED").path("orders").asLong());
        assertEquals("112346.86", day.path("by_status").path("PAYMENT_PROCESSED").path("revenue").path("USD")
                .path("revenue").asText());
        assertEquals(13, day.path("top_items").get(0).path("quantity").asLong());
    }

    @Test
    void averageRoundsHalfUp() throws IOException {
        order("2026-11-26T10:00:00Z", "0.01", OrderStatus.CREATED);
        order("2026-11-26T10:00:00Z", "0.02", OrderStatus.CANCELLED);
        assertEquals(204, ping(utc, "2026-11-27T02:00:00Z", "").statusCode());
        JsonNode day = report(reports, "2026-11-26");
        assertEquals(2, day.path("revenue").path("USD").path("average_order_value_cents").asLong(),
                     "1.5 cents rounds half up to 2");
        assertEquals(1, day.path("by_status").path("CANCELLED").path("orders").asLong());
    }

    @Test
    void moneyIsReportedPerCurrencyNeverSummedAcrossThem() throws IOException {
        // Once: 10.00 EUR and 10.00 USD made a revenue of "20.00".
        order("2026-11-26T10:00:00Z", "10.00", "EUR", OrderStatus.CREATED);
        order("2026-11-26T11:00:00Z", "10.00", "USD", OrderStatus.CREATED);
        order("2026-11-26T12:00:00Z", "4.50", "USD", OrderStatus.PAYMENT_PROCESSED);
        order("2026-11-26T13:00:00Z", "1500", "JPY", OrderStatus.PAYMENT_PROCESSED);
        order("2026-11-26T14:00:00Z", "1001", "JPY", OrderStatus.CREATED);
        assertEquals(204, ping(utc, "2026-11-27T02:00:00Z", "").statusCode());
        JsonNode day = report(reports, "2026-11-26");
        assertEquals(5, day.path("order_count").asLong());
        assertEquals(List.of("EUR", "JPY", "USD"), java.util.stream.StreamSupport.stream(
                java.util.Spliterators.spliteratorUnknownSize(day.path("revenue").fieldNames(), 0), false).toList());
        assertEquals("10.00", day.path("revenue").path("EUR").path("revenue").asText());
        assertEquals("14.50", day.path("revenue").path("USD").path("revenue").asText());
        assertEquals("7.25", day.path("revenue").path("USD").path("average_order_value").asText());
        assertEquals("2501", day.path("revenue").path("JPY").path("revenue").asText(), "JPY has no minor unit");
        assertEquals(250100, day.path("revenue").path("JPY").path("revenue_cents").asLong());
        assertEquals("1251", day.path("revenue").path("JPY").path("average_order_value").asText(),
                     "1250.5 yen rounds half up to a whole yen");
        assertEquals("1500", day.path("by_status").path("PAYMENT_PROCESSED").path("revenue").path("JPY")
                .path("revenue").asText());
        assertEquals("4.50", day.path("by_status").path("PAYMENT_PROCESSED").path("revenue").path("USD")
                .path("revenue").asText());
        String html = new String(reports.read("reports/daily/2026-11-26.html").orElseThrow(), StandardCharsets.UTF_8);
        assertTrue(html.contains("2501 JPY") && html.contains("14.50 USD") && html.contains("10.00 EUR"), html);
        assertTrue(html.contains("id=\"revenue-by-status-JPY\""), "a chart per currency");
    }

    @Test
    void theSameRunFromFiveDeliveriesAndEveryTriggerKindMakesOneReport() throws IOException {
        order("2026-11-26T08:00:00Z", "10.00", OrderStatus.CREATED);
        assertEquals(204, ping(utc, "2026-11-27T02:00:00Z", "{\"job\":\"daily-report\"}").statusCode());
        byte[] first = reports.read("reports/daily/2026-11-26.json").orElseThrow();
        byte[] firstHtml = reports.read("reports/daily/2026-11-26.html").orElseThrow();
        order("2026-11-26T09:00:00Z", "10.00", OrderStatus.CREATED);   // a late change must not split the report

        // PingSource again: a fresh id, the same tick time.
        assertEquals(204, ping(utc, "2026-11-27T02:00:05Z", "{\"job\":\"daily-report\"}").statusCode());
        // Eventarc's Cloud Scheduler job event.
        assertEquals(204, post(utc, "{\"custom_data\":\"" + Base64.getEncoder().encodeToString("{}".getBytes())
                                       + "\"}", "ce-specversion", "1.0", "ce-id", "daily-report/1",
                               "ce-source", "//cloudscheduler.googleapis.com/projects/p/locations/l/jobs/daily-report",
                               "ce-type", "google.cloud.scheduler.job.v1.executed", "ce-time", "2026-11-27T02:00:00Z",
                               "Content-Type", "application/json").statusCode());
        // A Cloud Scheduler HTTP job.
        assertEquals(204, post(utc, "daily-report", "X-CloudScheduler", "true",
                               "X-CloudScheduler-JobName", "daily-report",
                               "X-CloudScheduler-ScheduleTime", "2026-11-27T02:00:00Z",
                               "Content-Type", "text/plain").statusCode());
        // Cloud Scheduler through Pub/Sub, as a plain push.
        String push = "{\"message\":{\"data\":\"" + Base64.getEncoder().encodeToString("{}".getBytes())
                + "\",\"messageId\":\"42\",\"publishTime\":\"2026-11-27T02:00:01Z\"},"
                + "\"subscription\":\"projects/p/subscriptions/daily-report\"}";
        assertEquals(204, post(utc, push, "Content-Type", "application/json").statusCode());

        assertArrayEquals(first, reports.read("reports/daily/2026-11-26.json").orElseThrow());
        assertArrayEquals(firstHtml, reports.read("reports/daily/2026-11-26.html").orElseThrow());
        assertEquals(List.of("reports/daily/2026-11-26.html", "reports/daily/2026-11-26.json"),
                     reports.list("reports/daily/").stream().map(b -> b.name()).toList());
    }

    @Test
    void badPayloadsAreRejectedWithTheReason() {
        for (String payload : List.of("{\"date\":\"2026-13-45\"}", "{\"date\":20261126}",
                                      "{\"from\":\"2026-01-01\",\"to\":\"2026-03-01\"}",
                                      "{\"from\":\"2026-02-01\",\"to\":\"2026-01-01\"}", "{\"date\":",
                                      // Once a 500 on every retry: years Firestore's timestamps cannot hold.
                                      "{\"date\":\"+10000-01-01\"}", "{\"date\":\"-0001-01-01\"}",
                                      "{\"from\":\"9998-12-31\",\"to\":\"9999-01-01\"}")) {
            HttpResponse<String> answer = ping(utc, "2026-11-27T02:00:00Z", payload);
            assertEquals(422, answer.statusCode(), payload + " -> " + answer.body());
            assertTrue(answer.headers().firstValue("Content-Type").orElseThrow().startsWith("application/problem+json"));
            assertTrue(answer.body().contains("payload"), answer.body());
        }
        assertTrue(reports.list("reports/").isEmpty());
    }

    @Test
    void firestoreOrStorageDownIsARetryAndWritesNothing() {
        WebServer noFirestore = server(config("UTC", "reports", "127.0.0.1:9"), Buckets.filesystem(buckets));
        WebServer noStorage = server(config("UTC", "reports", emulator.host()), Buckets.gcs(UnreachableStorage.client()));
        try {
            HttpResponse<String> firestore = ping(noFirestore, "2026-11-27T02:00:00Z", "");
            assertEquals(503, firestore.statusCode(), firestore.body());
            assertTrue(firestore.headers().firstValue("Retry-After").isPresent());
            HttpResponse<String> storage = ping(noStorage, "2026-11-27T02:00:00Z", "");
            assertEquals(503, storage.statusCode(), storage.body());
            assertTrue(reports.list("reports/").isEmpty());
        } finally {
            noFirestore.stop();
            noStorage.stop();
        }
    }

    @Test
    void theHtmlRendersInHeadlessChromiumWithItsCharts(@TempDir Path out) throws Exception {
        Optional<Path> chromium = Chromium.find();
        org.junit.jupiter.api.Assumptions.assumeTrue(chromium.isPresent(),
                "not run: no Chromium here (Debian's chromium package; .ci/run installs it)");
        OrderStatus[] statuses = OrderStatus.values();
        for (int i = 0; i < 40; i++) {
            order(ZonedDateTime.parse("2026-11-26T06:00:00Z").plusMinutes(23L * i).toInstant().toString(),
                  (5 + i) + ".50", statuses[i % statuses.length], "item-" + (i % 7), "book");
        }
        assertEquals(204, ping(utc, "2026-11-27T02:00:00Z", "").statusCode());
        Path html = out.resolve("2026-11-26.html");
        Files.write(html, reports.read("reports/daily/2026-11-26.html").orElseThrow());

        Chromium.Rendered rendered = Chromium.render(chromium.get(), html, out.resolve("2026-11-26.png"));
        String dom = rendered.dom();
        assertEquals(24, Chromium.bars(dom, "orders-per-hour"), "one bar per hour");
        assertEquals(4, Chromium.bars(dom, "revenue-by-status-USD"), "one bar per status");
        assertTrue(dom.contains("Orders on 2026-11-26"));
        java.awt.image.BufferedImage png = javax.imageio.ImageIO.read(rendered.screenshot().toFile());
        assertEquals(Chromium.WIDTH, png.getWidth());
        // The bars' blue is on the page: a person sees charts, not a blank or broken page.
        int blue = 0;
        for (int y = 0; y < png.getHeight(); y += 2) {
            for (int x = 0; x < png.getWidth(); x += 2) {
                int rgb = png.getRGB(x, y) & 0xffffff;
                if (Math.abs(((rgb >> 16) & 0xff) - 0x26) < 12 && Math.abs(((rgb >> 8) & 0xff) - 0x80) < 12
                        && Math.abs((rgb & 0xff) - 0xc2) < 12) {
                    blue++;
                }
            }
        }
        assertTrue(blue > 500, "bar pixels in the screenshot: " + blue);
        assertFalse(dom.contains("<script"), "self-contained, no script");
        // Kept for a person to look at.
        Files.copy(rendered.screenshot(), Path.of("target", "daily-report-screenshot.png"),
                   java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
