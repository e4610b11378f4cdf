package dev.eventconsumers.localrun;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * End-to-end latencies through the local run, one event at a time (latency, not throughput): an order made with
 * the API until the search route finds it (API, Firestore, listen, broker, indexer, OpenSearch refresh), and a photo
 * copied into the uploads folder until its three thumbnails exist (folder scan, broker, thumbnailer). Polls every
 * 10 ms, so figures are exact to about that.
 *
 * <pre>./dev bench local-run [--events 100] [--warmup 10]</pre>
 */
public final class GraphLatencyBenchmark {
    private GraphLatencyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int events = 100;
        int warmup = 10;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--events" -> events = Integer.parseInt(args[i + 1]);
                case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        Path photo = GraphProcess.repositoryRoot()
                .resolve("services/thumbnailer/src/test/resources/images/orientation-6.jpg");
        try (GraphProcess graph = new GraphProcess(1, Duration.ofSeconds(180))) {
            System.out.printf("graph ready in %.1f s (cold)%n", graph.readySeconds);
            String token = graph.url("DEV_TOKEN");
            List<Double> orders = new ArrayList<>();
            String nonce = Long.toString(System.nanoTime(), 36);
            for (int i = 0; i < warmup + events; i++) {
                String word = "bench" + nonce + "o" + i;
                long t0 = System.nanoTime();
                HttpResponse<String> created = graph.post(graph.url("ORDERS_API") + "/orders", token,
                                                          "application/json",
                                                          "{\"customer_id\":\"cust-1\",\"total_amount\":12.5,"
                                                                  + "\"items\":[\"" + word + "\"]}");
                if (created.statusCode() != 201) {
                    throw new IllegalStateException(created.statusCode() + " " + created.body());
                }
                String id = graph.json(created).path("order_id").asText();
                while (!found(graph, token, word, id)) {
                    Thread.sleep(10);
                    if (System.nanoTime() - t0 > Duration.ofSeconds(60).toNanos()) {
                        throw new IllegalStateException("order " + id + " not searchable in 60 s");
                    }
                }
                if (i >= warmup) {
                    orders.add((System.nanoTime() - t0) / 1e6);
                }
            }
            Path uploads = Files.createDirectories(graph.buckets.resolve("demo-uploads/uploads"));
            Path bucket = graph.buckets.resolve("demo-uploads");
            List<Double> photos = new ArrayList<>();
            for (int i = 0; i < warmup + events; i++) {
                String name = "bench-" + i + ".jpg";
                long t0 = System.nanoTime();
                Files.copy(photo, uploads.resolve(name));
                while (!(Files.exists(bucket.resolve("thumbnails/200x200/uploads/" + name))
                        && Files.exists(bucket.resolve("thumbnails/400x400/uploads/" + name))
                        && Files.exists(bucket.resolve("thumbnails/800x800/uploads/" + name)))) {
                    Thread.sleep(10);
                    if (System.nanoTime() - t0 > Duration.ofSeconds(60).toNanos()) {
                        throw new IllegalStateException(name + " got no thumbnails in 60 s");
                    }
                }
                if (i >= warmup) {
                    photos.add((System.nanoTime() - t0) / 1e6);
                }
            }
            report("order -> searchable (POST /orders until /orders/search finds it)", orders);
            report("upload -> thumbnails (file copied until all three thumbnails exist)", photos);
        }
    }

    private static boolean found(GraphProcess graph, String token, String word, String id) throws Exception {
        JsonNode hits = graph.json(graph.get(graph.url("ORDERS_API") + "/orders/search?q=" + word, token));
        for (JsonNode hit : hits.path("orders")) {
            if (hit.path("order_id").asText().equals(id)) {
                return true;
            }
        }
        return false;
    }

    private static void report(String what, List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        System.out.printf("%s, %d events: p50 %.0f ms, p99 %.0f ms, max %.0f ms%n", what, sorted.size(),
                          percentile(sorted, 50), percentile(sorted, 99), sorted.getLast());
    }

    private static double percentile(List<Double> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }
}
