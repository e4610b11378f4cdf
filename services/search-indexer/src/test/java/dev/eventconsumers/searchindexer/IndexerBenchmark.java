package dev.eventconsumers.searchindexer;

import dev.eventconsumers.testkit.TestConfig;
import dev.eventconsumers.testkit.OpenSearchServer;
import dev.eventconsumers.runtime.ServiceServer;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Events per second and latency percentiles of Firestore order changes into a real OpenSearch (started here, single
 * node, 512 MiB heap), at a fixed concurrency, in one run:
 * <ul>
 *   <li>{@code plain}: the yardstick, a client doing one external-versioned {@code PUT /index/_doc/ID} per event;</li>
 *   <li>{@code indexer}: the events posted over HTTP to the indexer, which writes them with group commit.</li>
 * </ul>
 * Run: {@code ./dev bench search-indexer [--events N] [--concurrency C] [--warm-up N] [--mode plain|indexer|both]
 * [--flushers N] [--max-documents N] [--linger PT0.002S]} (the last three override {@code opensearch.bulk}; default 5000
 * events, 16 at once, both: each of 1000 orders created, then updated four times, in protobuf). Each mode warms up
 * with events of its own first (default 5000).
 */
public final class IndexerBenchmark {
    private IndexerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = 5000;
        int concurrency = 16;
        // 500 left C2 compiling through the measured phase (40 % of a core in the benchmark's JVM, seen with
        // per-thread CPU times); by 5000 both modes are near their steady state.
        int warmUp = 5000;
        String mode = "both";
        Map<String, String> bulk = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                case "--mode" -> mode = args[++i];
                case "--warm-up" -> warmUp = Integer.parseInt(args[++i]);
                case "--flushers", "--max-documents", "--linger", "--queue" ->
                        bulk.put("opensearch.bulk." + args[i].substring(2), args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        // One log line per event is right in production and would measure the terminal here.
        dev.eventconsumers.runtime.ServiceLogging.install(
                dev.eventconsumers.runtime.ServiceLogging.formatter("text", java.util.Optional.empty()), System.err,
                java.util.logging.Level.WARNING);
        OpenSearchServer openSearch = OpenSearchServer.shared();
        if (!mode.equals("indexer")) {
            plain(openSearch.url(), warmUp, concurrency, "plain warm-up");
            plain(openSearch.url(), events, concurrency, "plain: one PUT per event");
        }
        if (!mode.equals("plain")) {
            Map<String, String> settings = new java.util.HashMap<>(bulk);
            settings.putAll(Map.of("opensearch.url", openSearch.url(), "opensearch.index", "orders-bench"));
            Config config = TestConfig.of(settings);
            SearchIndexerService service = SearchIndexerService.create(config);
            WebServer server = ServiceServer.start(config, service);
            URI uri = URI.create("http://127.0.0.1:" + server.port());
            try {
                run(uri, warmUp, concurrency, "indexer warm-up");
                var sizes = io.helidon.metrics.api.Metrics.getSummary("index.bulk.size").orElseThrow();
                var durations = io.helidon.metrics.api.Metrics.getTimer("index.bulk.duration").orElseThrow();
                long bulksBefore = sizes.count();
                double documentsBefore = sizes.totalAmount();
                double secondsBefore = durations.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) / 1e9;
                run(uri, events, concurrency, "indexer: HTTP events, group commit");
                long bulks = sizes.count() - bulksBefore;
                System.out.printf("  %d bulks, %.1f documents and %.1f ms each on average%n", bulks,
                                  (sizes.totalAmount() - documentsBefore) / bulks,
                                  (durations.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) / 1e9 - secondsBefore)
                                          * 1000 / bulks);
            } finally {
                server.stop();
                service.close();
            }
        }
        System.exit(0);
    }

    /**
     * The yardstick: the same documents the indexer would write for the same changes (OrderChange's sources), one
     * external-versioned index request each, straight to OpenSearch.
     */
    static void plain(String url, int events, int concurrency, String label) throws Exception {
        dev.eventconsumers.ordersearch.OpenSearchIndex index = new dev.eventconsumers.ordersearch.OpenSearchIndex(
                dev.eventconsumers.ordersearch.OpenSearchIndex.client(url), "orders-plain");
        List<OrderChange.Upsert> writes = new ArrayList<>(events);
        for (OrderEvents.Order o : orders(label.replace(' ', '-'), events)) {
            writes.add((OrderChange.Upsert) OrderChange.of(
                    com.google.events.cloud.firestore.v1.DocumentEventData.newBuilder().setValue(o.document()).build(),
                    java.util.Optional.empty()));
        }
        load(label, events, concurrency, i -> {
            OrderChange.Upsert write = writes.get(i);
            index.write(write.id(), write.version(), write.source());
            return true;
        });
    }

    /** The benchmark's events: {@code events / 5} orders, each created and then updated four times, in that order. */
    static List<OrderEvents.Order> orders(String prefix, int events) {
        int orders = Math.max(1, events / 5);
        Instant t0 = Instant.now();
        List<OrderEvents.Order> all = new ArrayList<>(events);
        for (int n = 0; n < events; n++) {
            int order = n % orders;
            int version = n / orders + 1;
            all.add(new OrderEvents.Order(prefix + "-ORD-" + order, t0.plusMillis(version * 10L),
                                          version > 2 ? "PAYMENT_PROCESSED" : "CREATED", "cust-" + order % 97,
                                          List.of("item " + order, "gift wrap"), 1000L + order));
        }
        return all;
    }

    /** What one event is: true when it succeeded; throwing counts as a failure. */
    interface Send {
        boolean send(int event) throws Exception;
    }

    /** Sends events 0..events-1 from {@code concurrency} threads, timing each, then reports. */
    static void load(String label, int events, int concurrency, Send send) throws Exception {
        long[] latencies = new long[events];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failures = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency);
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int w = 0; w < concurrency; w++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < events; i = next.getAndIncrement()) {
                    long began = System.nanoTime();
                    try {
                        if (!send.send(i)) {
                            failures.incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                    }
                    latencies[i] = System.nanoTime() - began;
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        report(label, events, concurrency, failures.get(), seconds, latencies);
    }

    static void report(String label, int events, int concurrency, int failures, double seconds, long[] latencies) {
        Arrays.sort(latencies);
        System.out.printf("%s: %d events, concurrency %d, %d failed: %.0f events/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                          label, events, concurrency, failures, events / seconds,
                          latencies[events / 2] / 1e6, latencies[(int) (events * 0.99)] / 1e6,
                          latencies[events - 1] / 1e6);
    }

    static void run(URI uri, int events, int concurrency, String label) throws Exception {
        List<HttpRequest> requests = new ArrayList<>(events);
        for (OrderEvents.Order o : orders(label, events)) {
            requests.add(OrderEvents.write(null, o, true).request(uri));
        }
        load(label, events, concurrency, i -> OrderEvents.CLIENT.send(requests.get(i),
                                                                       HttpResponse.BodyHandlers.discarding())
                .statusCode() == 204);
    }
}
