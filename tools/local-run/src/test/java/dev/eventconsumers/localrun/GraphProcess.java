package dev.eventconsumers.localrun;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The packaged local run ({@code tools/local-run/target/local-run.jar}, as {@code ./dev up} runs it) started for a test or a
 * benchmark: free ports, buckets and state in a temporary folder, its output kept (and echoed with a prefix), ready
 * when it says so. {@link #close()} sends SIGTERM, as Ctrl-C's SIGINT would, and waits for it to end.
 */
final class GraphProcess implements AutoCloseable {
    static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Pattern READY = Pattern.compile("ready in ([0-9.]+) s");

    final Path work;
    final Path buckets;
    final Map<String, String> env = new LinkedHashMap<>();
    final double readySeconds;
    private final Process process;
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /**
     * @param backoffScale factor on the Triggers' backoff delays
     * @param timeout      how long it may take to be ready
     */
    GraphProcess(double backoffScale, Duration timeout) throws IOException, InterruptedException {
        Path root = repositoryRoot();
        Path jar = root.resolve("tools/local-run/target/local-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the test runs after the package phase");
        }
        work = Files.createTempDirectory("local-run");
        buckets = work.resolve("buckets");
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("-jar", jar.toString(), "up", "--root", root.toString(), "--buckets", buckets.toString(),
                               "--state", work.resolve("state").toString(), "--free-ports",
                               "--backoff-scale", Double.toString(backoffScale)));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread.ofPlatform().daemon().name("graph-output").start(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                                                                                  StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    output.add(line);
                    if (!line.startsWith("WARNING:")) {
                        System.out.println("[graph] " + line);
                    }
                }
            } catch (IOException ignored) {
                // the process ended
            }
        });
        long deadline = System.nanoTime() + timeout.toNanos();
        double ready = -1;
        while (ready < 0) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                close();
                throw new IllegalStateException("the graph was not ready within " + timeout + ":\n"
                                                        + String.join("\n", output()));
            }
            for (String line : output()) {
                Matcher m = READY.matcher(line);
                if (m.find()) {
                    ready = Double.parseDouble(m.group(1));
                }
            }
            Thread.sleep(100);
        }
        readySeconds = ready;
        for (String line : Files.readAllLines(work.resolve("state/env"))) {
            if (line.startsWith("export ")) {
                String pair = line.substring("export ".length());
                env.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
            }
        }
    }

    static Path repositoryRoot() {
        Path here = Path.of("").toAbsolutePath();
        while (here != null && !Files.isDirectory(here.resolve("k8s"))) {
            here = here.getParent();
        }
        if (here == null) {
            throw new IllegalStateException("no k8s/ above " + Path.of("").toAbsolutePath());
        }
        return here;
    }

    List<String> output() {
        synchronized (output) {
            return new ArrayList<>(output);
        }
    }

    Process process() {
        return process;
    }

    String url(String name) {
        return env.get(name);
    }

    HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request);
    }

    HttpResponse<String> post(String url, String token, String contentType, String body)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return send(request);
    }

    JsonNode json(HttpResponse<String> response) throws IOException {
        return MAPPER.readTree(response.body());
    }

    /** @return the graph's latest deliveries ({@code GET /deliveries}) */
    JsonNode deliveries() throws IOException, InterruptedException {
        return json(get(url("BROKER") + "/deliveries", null));
    }

    /** Publishes a message to a topic of the graph's Pub/Sub emulator (its REST API, as curl would). */
    String publish(String topic, String data, Map<String, String> attributes) throws IOException, InterruptedException {
        var message = MAPPER.createObjectNode().put("data", java.util.Base64.getEncoder().encodeToString(
                data.getBytes(StandardCharsets.UTF_8)));
        message.set("attributes", MAPPER.valueToTree(attributes));
        var body = MAPPER.createObjectNode();
        body.putArray("messages").add(message);
        HttpResponse<String> response = post("http://" + url("PUBSUB_EMULATOR_HOST") + "/v1/projects/"
                                                     + url("GCP_PROJECT") + "/topics/" + topic + ":publish", null,
                                             "application/json", body.toString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("publish: " + response.statusCode() + " " + response.body());
        }
        return json(response).path("messageIds").path(0).asText();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(work)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // OpenSearch's files belong to nobody when run as root; a leftover temporary folder fails nothing
        }
    }
}
