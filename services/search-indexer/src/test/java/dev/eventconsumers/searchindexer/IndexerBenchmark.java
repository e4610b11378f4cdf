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
 * Events per second and latency percentiles of Firestore order changes posted over HTTP to the indexer, which writes
 * them into a real OpenSearch (started here, single node, 512 MiB heap), at a fixed concurrency.
 * <p>
 * Run: {@code ./dev bench search-indexer [--events N] [--concurrency C]} (default 5000 events, 16 at once: each of
 * 1000 orders created, then updated four times, in protobuf).
 */
public final class IndexerBenchmark {
    private IndexerBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = 5000;
        int concurrency = 16;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(args[++i]);
                case "--concurrency" -> concurrency = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        // One log line per event is right in production and would measure the terminal here.
        dev.eventconsumers.runtime.ServiceLogging.install(
                dev.eventconsumers.runtime.ServiceLogging.formatter("text", java.util.Optional.empty()), System.err,
                java.util.logging.Level.WARNING);
        OpenSearchServer openSearch = OpenSearchServer.shared();
        Config config = TestConfig.of(Map.of("opensearch.url", openSearch.url()));
        WebServer server = ServiceServer.start(config, SearchIndexerService.create(config));
        URI uri = URI.create("http://127.0.0.1:" + server.port());
        try {
            run(uri, 500, concurrency, "warm-up");
            run(uri, events, concurrency, "measured");
        } finally {
            server.stop();
        }
        System.exit(0);
    }

    static void run(URI uri, int events, int concurrency, String label) throws Exception {
        int orders = Math.max(1, events / 5);
        Instant t0 = Instant.now();
        List<HttpRequest> requests = new ArrayList<>(events);
        for (int n = 0; n < events; n++) {
            int order = n % orders;
            int version = n / orders + 1;
            OrderEvents.Order o = new OrderEvents.Order(label + "-ORD-" + order, t0.plusMillis(version * 10L),
                                                        version > 2 ? "PAYMENT_PROCESSED" : "CREATED", "cust-" + order % 97,
                                                        List.of("item " + order, "gift wrap"), 1000L + order);
            requests.add(OrderEvents.write(null, o, true).request(uri));
        }
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
                        HttpResponse<Void> response = OrderEvents.CLIENT.send(requests.get(i),
                                                                              HttpResponse.BodyHandlers.discarding());
                        if (response.statusCode() != 204) {
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
        Arrays.sort(latencies);
        System.out.printf("%s: %d events, concurrency %d, %d failed: %.0f events/s, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                          label, events, concurrency, failures.get(), events / seconds,
                          latencies[events / 2] / 1e6, latencies[(int) (events * 0.99)] / 1e6,
                          latencies[events - 1] / 1e6);
    }
}
