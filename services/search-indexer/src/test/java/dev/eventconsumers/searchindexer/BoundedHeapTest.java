package dev.eventconsumers.searchindexer;

import com.google.events.cloud.firestore.v1.DocumentEventData;
import dev.eventconsumers.runtime.ServiceServer;
import dev.eventconsumers.testkit.OpenSearchServer;
import dev.eventconsumers.testkit.Platform;
import dev.eventconsumers.testkit.TestConfig;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The indexer at its container concurrency (32) with the largest changes it takes (a Firestore document near its 1 MiB
 * limit before and after, in a 4 MiB body), into a real OpenSearch, in the heap its manifest gives it (75% of 384 MiB:
 * 288 MiB).
 */
class BoundedHeapTest {
    @Test
    void thirtyTwoLargestChangesAtOnceAreAllIndexed() throws Exception {
        Platform.requireHeap(288);
        OpenSearchServer openSearch = OpenSearchServer.shared();
        Config config = TestConfig.of(Map.of("opensearch.url", openSearch.url(), "opensearch.index", "orders-heap"));
        WebServer server = ServiceServer.start(config, SearchIndexerService.create(config));
        try {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/");
            Instant t = Instant.parse("2026-11-27T10:00:00Z");
            String notes = "n".repeat(1_000_000);
            List<HttpRequest> changes = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                OrderEvents.Order order = new OrderEvents.Order("ORD-HEAP-" + i, t, "CREATED", "cust-1",
                                                                List.of("book"), 100);
                var value = order.document().toBuilder().putFields("notes", OrderEvents.string(notes)).build();
                var before = order.document().toBuilder().putFields("notes", OrderEvents.string(notes + "!")).build();
                DocumentEventData data = DocumentEventData.newBuilder().setValue(value).setOldValue(before).build();
                changes.add(new OrderEvents.Change(data, t, "heap-" + i, true).request(uri));
            }
            List<HttpResponse<String>> answers = Platform.deliver(changes, 32, Duration.ofMinutes(5));
            answers.forEach(answer -> assertEquals(204, answer.statusCode(), answer.body()));
        } finally {
            server.stop();
        }
    }
}
