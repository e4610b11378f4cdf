package dev.eventconsumers.ordersearch;

import dev.eventconsumers.testkit.OpenSearchServer;
import dev.eventconsumers.testkit.TcpProxy;
import io.helidon.metrics.api.Metrics;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Group commit against a real OpenSearch: shared bulks, each write's own result, outages, shutdown. */
class GroupCommitIndexTest {
    static final OpenSearchServer SERVER = OpenSearchServer.shared();

    static OpenSearchIndex index(String url, String name) {
        return new OpenSearchIndex(OpenSearchIndex.client(url), name);
    }

    static Map<String, Object> order(String id) {
        return Map.of("orderId", id, "customerId", "cust-1", "totalCents", 100L, "deleted", false);
    }

    static long bulks() {
        return Metrics.getSummary("index.bulk.size").map(s -> s.count()).orElse(0L);
    }

    @Test
    void oneBulkReportsEachDocumentsOwnOutcome() {
        OpenSearchIndex index = index(SERVER.url(), "group-items");
        assertEquals(SearchIndex.Written.WRITTEN, index.write("ORD-NEWER", 5, order("ORD-NEWER")));
        List<Object> results = index.writeAll(List.of(
                new OpenSearchIndex.Document("ORD-FRESH", 1, order("ORD-FRESH")),
                new OpenSearchIndex.Document("ORD-NEWER", 3, order("ORD-NEWER")),
                new OpenSearchIndex.Document("ORD-BAD", 1, Map.of("orderId", "ORD-BAD", "totalCents", "lots")),
                new OpenSearchIndex.Document("ORD-TWICE", 2, order("ORD-TWICE")),
                new OpenSearchIndex.Document("ORD-TWICE", 1, order("ORD-TWICE"))));
        assertEquals(SearchIndex.Written.WRITTEN, results.get(0));
        assertEquals(SearchIndex.Written.STALE, results.get(1), "an older version is a 409: stale, not an error");
        assertInstanceOf(SearchIndex.DocumentRejectedException.class, results.get(2), "a mapping error is its own");
        assertEquals(SearchIndex.Written.WRITTEN, results.get(3));
        assertEquals(SearchIndex.Written.STALE, results.get(4), "two versions of one document keep their order");
    }

    @Test
    void concurrentWritesShareBulksAndEachGetsItsOwnResult() throws Exception {
        OpenSearchIndex index = index(SERVER.url(), "group-concurrent");
        index.write("warm", 1, order("warm"));
        try (GroupCommitIndex group = new GroupCommitIndex(index, 64, Duration.ofMillis(5), 1024, 1);
             ExecutorService pool = Executors.newFixedThreadPool(16)) {
            long before = bulks();
            List<Future<SearchIndex.Written>> writes = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                String id = "ORD-C-" + (i % 100);
                long version = i / 100 + 1;
                writes.add(pool.submit(() -> group.write(id, version, order(id))));
            }
            int written = 0;
            for (Future<SearchIndex.Written> write : writes) {
                if (write.get() == SearchIndex.Written.WRITTEN) {
                    written++;
                }
            }
            long bulks = bulks() - before;
            assertTrue(written >= 100, written + " written");
            assertTrue(bulks > 0 && bulks < 400 / 2, "400 writes went out in " + bulks + " bulks");
        }
    }

    @Test
    void aMappingErrorFailsOnlyItsOwnWrite() throws Exception {
        OpenSearchIndex index = index(SERVER.url(), "group-mixed");
        index.write("warm", 1, order("warm"));
        try (GroupCommitIndex group = new GroupCommitIndex(index, 64, Duration.ofMillis(300), 1024, 1);
             ExecutorService pool = Executors.newFixedThreadPool(3)) {
            Future<SearchIndex.Written> good = pool.submit(() -> group.write("ORD-M-1", 1, order("ORD-M-1")));
            Future<SearchIndex.Written> bad = pool.submit(() -> group.write("ORD-M-2", 1, Map.of("totalCents", "lots")));
            Future<SearchIndex.Written> other = pool.submit(() -> group.write("ORD-M-3", 1, order("ORD-M-3")));
            assertEquals(SearchIndex.Written.WRITTEN, good.get());
            assertEquals(SearchIndex.Written.WRITTEN, other.get());
            ExecutionException e = assertThrows(ExecutionException.class, bad::get);
            assertInstanceOf(SearchIndex.DocumentRejectedException.class, e.getCause());
        }
    }

    @Test
    void anOutageFailsTheWritesItAffectsAndThenWritesFlowAgain() throws Exception {
        String backend = URI.create(SERVER.url()).getAuthority();
        try (TcpProxy proxy = new TcpProxy(backend)) {
            OpenSearchIndex index = index("http://" + proxy.host(), "group-outage");
            index.write("warm", 1, order("warm"));
            try (GroupCommitIndex group = new GroupCommitIndex(index, 64, Duration.ZERO, 1024, 1)) {
                proxy.cut();
                assertThrows(SearchIndex.SearchUnavailableException.class, () -> group.write("ORD-O-1", 1,
                                                                                              order("ORD-O-1")));
                proxy.restore();
                assertEquals(SearchIndex.Written.WRITTEN, group.write("ORD-O-1", 1, order("ORD-O-1")));
            }
        }
    }

    @Test
    void closingSendsWhatIsQueuedFirst() throws Exception {
        OpenSearchIndex index = index(SERVER.url(), "group-close");
        index.write("warm", 1, order("warm"));
        GroupCommitIndex group = new GroupCommitIndex(index, 64, Duration.ofMillis(500), 1024, 1);
        List<Future<SearchIndex.Written>> writes = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(10)) {
            for (int i = 0; i < 10; i++) {
                String id = "ORD-Q-" + i;
                writes.add(pool.submit(() -> group.write(id, 1, order(id))));
            }
            Thread.sleep(100);
            group.close();
            for (Future<SearchIndex.Written> write : writes) {
                assertEquals(SearchIndex.Written.WRITTEN, write.get(), "queued writes are sent, not dropped");
            }
        }
        assertThrows(SearchIndex.SearchUnavailableException.class, () -> group.write("late", 1, order("late")));
    }
}
