package dev.eventconsumers.localrun;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventconsumers.testkit.EmulatorSource;
import dev.eventconsumers.testkit.FreePort;
import dev.eventconsumers.testkit.GoogleEmulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's walkthrough against the packaged graph, with time bounds: an order is searchable, paid and confirmed;
 * a published action reaches the worker; a photo gets thumbnails; a fired schedule writes the report. Then a stopped
 * service: its events are retried as its Trigger says and end with the dead-letters service, and once it is started
 * again new events reach it. Last, stopping the graph stops every process it started.
 * Backoff delays are the Trigger's, scaled by 0.01 so that five retries take seconds, not minutes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalRunTest {
    private static final double BACKOFF_SCALE = 0.01;
    private static final Path PHOTO = GraphProcess.repositoryRoot()
            .resolve("services/thumbnailer/src/test/resources/images/orientation-6.jpg");

    private GraphProcess graph;
    private String token;
    private String paidOrder;

    @BeforeAll
    void start() throws Exception {
        for (GoogleEmulator emulator : GoogleEmulator.values()) {
            if (emulator.source(Optional.empty()) instanceof EmulatorSource.None none) {
                Assumptions.abort("not run: the local run needs Google's " + emulator.title() + " emulator: "
                                          + none.reason());
            }
        }
        graph = new GraphProcess(BACKOFF_SCALE, Duration.ofSeconds(120));
        token = graph.url("DEV_TOKEN");
        System.out.println("graph ready in " + graph.readySeconds + " s (cold: no class-data archives yet)");
    }

    @AfterAll
    void stop() {
        if (graph != null) {
            graph.close();
        }
    }

    @Test
    @Order(1)
    void anOrderIsSearchableThenPaidAndConfirmed() throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> created = graph.post(graph.url("ORDERS_API") + "/orders", token, "application/json",
                                                  "{\"customer_id\":\"cust-1\",\"total_amount\":42.50,"
                                                          + "\"items\":[\"blue mug\"],"
                                                          + "\"customer_email\":\"ada@example.com\"}");
        assertEquals(201, created.statusCode(), created.body());
        paidOrder = graph.json(created).path("order_id").asText();
        // The first order meets every service cold (first connections, first index): 10 s; ./dev bench local-run
        // measures the steady state.
        JsonNode found = within(Duration.ofSeconds(10), () -> {
            JsonNode hits = graph.json(graph.get(graph.url("ORDERS_API") + "/orders/search?q=mug", token));
            for (JsonNode hit : hits.path("orders")) {
                if (hit.path("order_id").asText().equals(paidOrder)) {
                    return hit;
                }
            }
            return null;
        });
        System.out.printf("order -> searchable in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertEquals("blue mug", found.path("items").path(0).asText());
        // The API's process_payment message went through Pub/Sub to the worker, and its follow-ons too.
        within(Duration.ofSeconds(15), () -> "PAYMENT_PROCESSED".equals(graph.json(graph.get(
                graph.url("ORDERS_API") + "/orders/" + paidOrder, token)).path("status").asText()) ? true : null);
        JsonNode mail = within(Duration.ofSeconds(15), () -> firestoreDocument("mail/" + paidOrder + "-confirmation"));
        assertEquals("ada@example.com", mail.path("fields").path("to").path("stringValue").asText(), mail.toString());
        assertDelivered("google.cloud.firestore.document.v1.written", "documents/orders/" + paidOrder,
                        "search-indexer");
    }

    @Test
    @Order(2)
    void oneOrderIsOneTraceThroughTheApiTheWorkerAndTheIndexer() throws Exception {
        // The order of test 1: the API's POST started a trace; the outbox message and the order document carried
        // it on, so the worker's handling of process_payment and the indexer's of the document change continue it.
        Path logs = graph.work.resolve("state/logs");
        java.util.regex.Pattern trace = java.util.regex.Pattern.compile("trace=([0-9a-f]{32})");
        java.util.function.Function<String, java.util.Set<String>> tracesOf = service -> {
            java.util.Set<String> traces = new java.util.HashSet<>();
            try {
                for (String line : java.nio.file.Files.readAllLines(logs.resolve(service + ".log"))) {
                    java.util.regex.Matcher m = trace.matcher(line);
                    if (line.contains(paidOrder) && m.find()) {
                        traces.add(m.group(1));
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return traces;
        };
        java.util.Set<String> api = tracesOf.apply("orders-api");
        assertEquals(1, api.size(), "the API logged the order's creation under one trace: " + api);
        String orderTrace = api.iterator().next();
        within(Duration.ofSeconds(10), () -> tracesOf.apply("order-worker").contains(orderTrace)
                && tracesOf.apply("search-indexer").contains(orderTrace) ? true : null);
    }

    @Test
    @Order(3)
    void aPublishedActionReachesTheWorker() throws Exception {
        HttpResponse<String> created = graph.post(graph.url("ORDERS_API") + "/orders", token, "application/json",
                                                  "{\"customer_id\":\"cust-1\",\"total_amount\":7,"
                                                          + "\"items\":[\"tea\"]}");
        assertEquals(201, created.statusCode(), created.body());
        String order = graph.json(created).path("order_id").asText();
        within(Duration.ofSeconds(15), () -> "PAYMENT_PROCESSED".equals(graph.json(graph.get(
                graph.url("ORDERS_API") + "/orders/" + order, token)).path("status").asText()) ? true : null);
        assertEquals(404, firestoreStatus("mail/" + order + "-confirmation"), "no address, no mail yet");
        String id = graph.publish("order-actions", "{\"order_id\":\"" + order + "\",\"action\":\"send_confirmation\","
                + "\"data\":{\"email\":\"bob@example.com\"}}", Map.of("action", "send_confirmation"));
        JsonNode mail = within(Duration.ofSeconds(10), () -> firestoreDocument("mail/" + order + "-confirmation"));
        assertEquals("bob@example.com", mail.path("fields").path("to").path("stringValue").asText(), mail.toString());
        JsonNode delivery = within(Duration.ofSeconds(5), () -> find(d -> d.path("id").asText().equals(id)));
        assertEquals("order-worker", delivery.path("target").asText());
        assertEquals("google.cloud.pubsub.topic.v1.messagePublished", delivery.path("type").asText());
    }

    @Test
    @Order(4)
    void aPoisonMessageIsNotRetriedButDeadLetteredAtOnceAndAcked() throws Exception {
        // The worker answers 422; Knative retries only network errors, 404, 408, 409, 429 and 5xx.
        String id = graph.publish("order-actions", "{\"order_id\":\"not an order\",\"action\":\"teleport\"}",
                                  Map.of("action", "teleport"));
        JsonNode deadLetter = within(Duration.ofSeconds(10), () -> find(
                d -> d.path("id").asText().equals(id) && d.path("dead_letter").asBoolean()
                        && d.path("status").asInt() / 100 == 2));
        assertEquals("dead-letters", deadLetter.path("target").asText());
        List<JsonNode> attempts = new ArrayList<>();
        for (JsonNode d : graph.deliveries()) {
            if (d.path("id").asText().equals(id) && !d.path("dead_letter").asBoolean()) {
                attempts.add(d);
            }
        }
        assertEquals(1, attempts.size(), attempts.toString());
        assertEquals(422, attempts.getFirst().path("status").asInt());
        Path folder = graph.buckets.resolve("dead-letters/dead-letters/google.cloud.pubsub.topic.v1.messagePublished");
        JsonNode kept = within(Duration.ofSeconds(10), () -> {
            if (!Files.isDirectory(folder)) {
                return null;
            }
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    JsonNode event = GraphProcess.MAPPER.readTree(f.toFile());
                    if (event.path("id").asText().equals(id)) {
                        return event;
                    }
                }
            }
            return null;
        });
        assertEquals("422", kept.path("knativeerrorcode").asText(), kept.toString());
        Thread.sleep(1500);
        long deliveries = 0;
        for (JsonNode d : graph.deliveries()) {
            deliveries += d.path("id").asText().equals(id) ? 1 : 0;
        }
        assertEquals(2, deliveries, "acked once dead-lettered: the emulator does not deliver it again");
    }

    @Test
    @Order(5)
    void aPhotoGetsThumbnailsAndAReplacedOneNewOnes() throws Exception {
        Path uploads = Files.createDirectories(graph.buckets.resolve("demo-uploads/uploads"));
        Files.copy(PHOTO, uploads.resolve("walk.jpg"));
        Path bucket = graph.buckets.resolve("demo-uploads");
        for (String size : List.of("200x200", "400x400", "800x800")) {
            within(Duration.ofSeconds(10), () -> Files.exists(bucket.resolve("thumbnails/" + size + "/uploads/walk.jpg"))
                    ? true : null);
        }
        long first = madeFrom(bucket, "thumbnails/200x200/uploads/walk.jpg");
        Thread.sleep(20);
        Files.copy(PHOTO, uploads.resolve("walk.jpg"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        long second = within(Duration.ofSeconds(10), () -> {
            long made = madeFrom(bucket, "thumbnails/200x200/uploads/walk.jpg");
            return made > first ? made : null;
        });
        assertTrue(second > first, "a replaced file has a newer generation");
    }

    @Test
    @Order(6)
    void firingTheDailyReportWritesItsPage() throws Exception {
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        HttpResponse<String> fired = graph.post(graph.url("BROKER") + "/pingsources/daily-report", null, null,
                                                "{\"date\":\"" + today + "\"}");
        assertEquals(202, fired.statusCode(), fired.body());
        Path json = graph.buckets.resolve("reports/reports/daily/" + today + ".json");
        within(Duration.ofSeconds(15), () -> Files.exists(json) ? true : null);
        assertTrue(Files.exists(json.resolveSibling(today + ".html")));
        // The two orders of the tests above: 42.50 and 7.00.
        JsonNode report = GraphProcess.MAPPER.readTree(json.toFile());
        assertEquals(2, report.path("order_count").asInt(), report.toString());
        assertEquals(4950, report.path("revenue").path("USD").path("revenue_cents").asLong(), report.toString());
        assertEquals(404, graph.post(graph.url("BROKER") + "/pingsources/nope", null, null, "").statusCode());
    }

    @Test
    @Order(7)
    void aStoppedServiceIsRetriedPerItsTriggerThenDeadLetteredAndFlowsAgainAfterARestart() throws Exception {
        assertEquals(200, graph.post(graph.url("BROKER") + "/services/thumbnailer/stop", null, null, "")
                .statusCode());
        Path uploads = graph.buckets.resolve("demo-uploads/uploads");
        Files.copy(PHOTO, uploads.resolve("while-down.jpg"));
        // k8s/base/thumbnailer.yaml: retry 5, exponential, PT10S; then dead-letters.
        Manifests.Delivery spec = Manifests.load(GraphProcess.repositoryRoot().resolve("k8s/base")).triggers().stream()
                .filter(t -> t.service().equals("thumbnailer")).findFirst().orElseThrow().delivery();
        JsonNode deadLetter = within(Duration.ofSeconds(60), () -> find(
                d -> d.path("subject").asText().equals("objects/uploads/while-down.jpg")
                        && d.path("dead_letter").asBoolean() && d.path("status").asInt() / 100 == 2));
        assertEquals("dead-letters", deadLetter.path("target").asText());
        List<JsonNode> attempts = new ArrayList<>();
        for (JsonNode d : graph.deliveries()) {
            if (d.path("subject").asText().equals("objects/uploads/while-down.jpg") && !d.path("dead_letter").asBoolean()) {
                attempts.add(d);
            }
        }
        assertEquals(spec.retry() + 1, attempts.size(), attempts.toString());
        for (int i = 0; i < attempts.size(); i++) {
            assertEquals(i + 1, attempts.get(i).path("attempt").asInt());
            assertEquals("refused", attempts.get(i).path("error").asText());
        }
        for (int n = 1; n < attempts.size(); n++) {
            long gap = java.time.Instant.parse(attempts.get(n).path("time").asText()).toEpochMilli()
                    - java.time.Instant.parse(attempts.get(n - 1).path("time").asText()).toEpochMilli();
            long expected = (long) (spec.backoff(n).toMillis() * BACKOFF_SCALE);
            assertTrue(gap >= expected, "retry " + n + " came after " + gap + " ms, before its backoff " + expected);
        }
        Path kept = within(Duration.ofSeconds(10), () -> {
            Path folder = graph.buckets.resolve("dead-letters/dead-letters/google.cloud.storage.object.v1.finalized");
            if (!Files.isDirectory(folder)) {
                return null;
            }
            try (Stream<Path> files = Files.walk(folder)) {
                return files.filter(Files::isRegularFile).filter(f -> {
                    try {
                        return Files.readString(f).contains("objects/uploads/while-down.jpg");
                    } catch (IOException e) {
                        return false;
                    }
                }).findFirst().orElse(null);
            }
        });
        JsonNode stored = GraphProcess.MAPPER.readTree(kept.toFile());
        assertFalse(stored.has("knativeerrorcode"), "no answer, no code: " + stored);
        assertEquals("no answer: refused", new String(java.util.Base64.getDecoder().decode(
                stored.path("knativeerrordata").asText())), stored.toString());
        assertTrue(stored.path("knativeerrordest").asText().startsWith("http://127.0.0.1:"), stored.toString());
        assertFalse(Files.exists(graph.buckets.resolve("demo-uploads/thumbnails/200x200/uploads/while-down.jpg")));

        assertEquals(200, graph.post(graph.url("BROKER") + "/services/thumbnailer/start", null, null, "")
                .statusCode());
        Files.copy(PHOTO, uploads.resolve("after-restart.jpg"));
        within(Duration.ofSeconds(10), () -> Files.exists(graph.buckets.resolve(
                "demo-uploads/thumbnails/200x200/uploads/after-restart.jpg")) ? true : null);
    }

    @Test
    @Order(8)
    void theBrokerIngressRefusesAnEventWithoutAttributesWithAProblem() throws Exception {
        HttpResponse<String> refused = graph.post(graph.url("BROKER") + "/", null, "application/json", "{}");
        assertEquals(400, refused.statusCode());
        assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
        assertTrue(refused.body().contains("ce-type"), refused.body());
    }

    @Test
    @Order(9)
    void stoppingTheGraphStopsEverythingItStarted() throws Exception {
        List<ProcessHandle> started = graph.process().descendants().toList();
        JsonNode services = graph.json(graph.get(graph.url("BROKER") + "/services", null));
        assertEquals(6, services.size(), services.toString());
        assertTrue(started.size() >= 9, "six services, two emulators, OpenSearch: " + started.size());
        List<Integer> ports = new ArrayList<>();
        for (JsonNode s : services) {
            ports.add(URI.create(s.path("url").asText()).getPort());
        }
        // SIGTERM as a handle: Process.destroy() would also close the pipe its last lines come through.
        graph.process().toHandle().destroy();
        assertTrue(graph.process().waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the graph did not end");
        for (ProcessHandle p : started) {
            p.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertFalse(p.isAlive(), p.pid() + " " + p.info().commandLine().orElse("") + " is still running");
        }
        for (int port : ports) {
            assertFalse(FreePort.inUse(port), "port " + port + " is still open");
        }
        within(Duration.ofSeconds(5), () -> graph.output().stream().anyMatch(l -> l.equals("local run stopped"))
                ? true : null);
    }

    private JsonNode find(java.util.function.Predicate<JsonNode> match) throws IOException, InterruptedException {
        for (JsonNode d : graph.deliveries()) {
            if (match.test(d)) {
                return d;
            }
        }
        return null;
    }

    private void assertDelivered(String type, String subject, String target) throws Exception {
        JsonNode d = find(x -> x.path("type").asText().equals(type) && x.path("subject").asText().equals(subject)
                && x.path("target").asText().equals(target) && x.path("status").asInt() / 100 == 2);
        assertTrue(d != null, "no 2xx delivery of " + type + " " + subject + " to " + target);
    }

    private JsonNode firestoreDocument(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = graph.get(firestoreUrl(path), "owner");
        return r.statusCode() == 200 ? graph.json(r) : null;
    }

    private int firestoreStatus(String path) throws IOException, InterruptedException {
        return graph.get(firestoreUrl(path), "owner").statusCode();
    }

    private String firestoreUrl(String path) {
        return "http://" + graph.url("FIRESTORE_EMULATOR_HOST") + "/v1/projects/" + graph.url("GCP_PROJECT")
                + "/databases/(default)/documents/" + path;
    }

    /** The source generation a thumbnail was made from, as the thumbnailer recorded it. */
    private static long madeFrom(Path bucket, String thumbnail) throws IOException {
        java.util.Properties properties = new java.util.Properties();
        try (var in = Files.newInputStream(bucket.resolve(".blobstore/objects/" + thumbnail + ".properties"))) {
            properties.load(in);
        }
        return Long.parseLong(properties.getProperty("metadata.generation", "0"));
    }

    /** Polls until {@code probe} returns non-null; fails after {@code bound}. */
    private static <T> T within(Duration bound, Callable<T> probe) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                T value = probe.call();
                if (value != null) {
                    return value;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("not within " + bound + (last != null ? ": " + last : ""));
    }
}
