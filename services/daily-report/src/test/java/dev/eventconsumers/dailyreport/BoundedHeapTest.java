package dev.eventconsumers.dailyreport;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.WriteBatch;
import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.runtime.ServiceServer;
import dev.eventconsumers.testkit.FirestoreEmulator;
import dev.eventconsumers.testkit.Platform;
import dev.eventconsumers.testkit.TestConfig;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The report at its container concurrency (4), in the heap its manifest gives it (75% of 256 MiB: 192 MiB): four runs
 * over a day of 5,000 orders at once (read in pages, never a day in memory), and four of the largest payloads it takes.
 */
class BoundedHeapTest {
    @Test
    void fourRunsOverABusyDayAndFourLargestPayloadsAtOnce() throws Exception {
        Platform.requireHeap(192);
        FirestoreEmulator emulator = FirestoreEmulator.shared();
        emulator.reset();
        try (Firestore firestore = FirestoreOrderStore.emulatorClient(FirestoreEmulator.PROJECT, emulator.host())) {
            Instant day = Instant.parse("2026-11-26T00:00:00Z");
            for (int batch = 0; batch < 10; batch++) {
                WriteBatch writes = firestore.batch();
                for (int i = 0; i < 500; i++) {
                    int n = batch * 500 + i;
                    Instant at = day.plusSeconds(n * 17L);
                    writes.create(firestore.collection("orders").document("ORD-20261126-%08x".formatted(n)), Map.of(
                            "orderId", "ORD-20261126-%08x".formatted(n), "customerId", "cust-" + (n % 97),
                            "totalCents", 100L + n, "currency", n % 3 == 0 ? "EUR" : "USD",
                            "items", List.of("sku-" + (n % 300), "sku-" + (n % 7)), "status", "CREATED",
                            "createdAt", Timestamp.ofTimeSecondsAndNanos(at.getEpochSecond(), 0),
                            "updatedAt", Timestamp.ofTimeSecondsAndNanos(at.getEpochSecond(), 0)));
                }
                writes.commit().get();
            }
        }
        Config config = TestConfig.of(Map.of("gcp.project", FirestoreEmulator.PROJECT,
                                             "firestore.emulator.host", emulator.host()));
        DailyReportService service = DailyReportService.create(
                config, Buckets.filesystem(Files.createTempDirectory("report-heap")), Clock.systemUTC());
        WebServer server = ServiceServer.start(config, service);
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/");
            long cap = config.get("server.max-payload-size").asLong().get();
            List<HttpRequest> requests = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                requests.add(ping(uri, "run-" + i, "{\"date\":\"2026-11-26\",\"rerun\":true}"));
            }
            for (int i = 0; i < 4; i++) {
                requests.add(ping(uri, "large-" + i, "{\"date\":\"" + "9".repeat((int) cap - 100) + "\"}"));
            }
            List<HttpResponse<String>> answers = Platform.deliver(requests, 4, Duration.ofMinutes(5));
            for (int i = 0; i < 8; i++) {
                assertEquals(i < 4 ? 204 : 422, answers.get(i).statusCode(), answers.get(i).body());
            }
        } finally {
            server.stop();
            service.close();
        }
    }

    private static HttpRequest ping(URI uri, String id, String data) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofMinutes(2))
                .header("ce-specversion", "1.0").header("ce-id", id)
                .header("ce-source", "/apis/v1/namespaces/default/pingsources/daily-report")
                .header("ce-type", "dev.knative.sources.ping").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(data)).build();
    }
}
