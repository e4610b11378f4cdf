package dev.eventconsumers.deploycheck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventconsumers.testkit.FreePort;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The built services, each started as its image starts it ({@code java -jar services/NAME/target/NAME.jar}, so its own
 * composition root), with backends that are not there (nothing is contacted before an event needs it). They are asked
 * what the deployment files assume of them: the event types they accept, and the probe paths they answer.
 */
final class RunningServices implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A type no service registers: the answer names the types a service does accept, or it is a sink. */
    private static final String PROBE_TYPE = "dev.eventconsumers.deploycheck.probe";

    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    /** Services that serve /observe on a private socket too (the public API). */
    private final Map<String, Integer> observePorts = new LinkedHashMap<>();
    private final Map<String, JsonNode> probes = new LinkedHashMap<>();

    private RunningServices() {
    }

    /**
     * @param root     the repository
     * @param services service modules
     * @return them, each answering its readiness probe
     */
    static RunningServices start(Path root, List<String> services) {
        RunningServices running = new RunningServices();
        try {
            Path buckets = Files.createTempDirectory("deploy-check-buckets");
            for (String service : services) {
                Path jar = root.resolve("services/" + service + "/target/" + service + ".jar");
                if (!Files.isRegularFile(jar)) {
                    throw new IllegalStateException(jar + " is missing: deploy-check runs after the services are "
                                                            + "packaged (./dev test builds them first)");
                }
                int port = FreePort.find();
                List<String> command = new ArrayList<>(List.of(
                        ProcessHandle.current().info().command().orElse("java"), "-XX:TieredStopAtLevel=1",
                        "-XX:+UseSerialGC", "-Xmx128m"));
                if (Runtime.version().feature() >= 24) {
                    command.add("--sun-misc-unsafe-memory-access=allow");
                }
                command.addAll(List.of("-jar", jar.toString()));
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD);
                Map<String, String> env = builder.environment();
                env.keySet().removeIf(k -> k.endsWith("_EMULATOR_HOST"));
                env.putAll(Map.of("PORT", Integer.toString(port), "LOG_LEVEL", "WARNING", "GCP_PROJECT", "deploy-check",
                                  "BLOBSTORE_KIND", "filesystem", "BLOBSTORE_ROOT", buckets.toString(),
                                  "FIRESTORE_EMULATOR_HOST", "127.0.0.1:9", "PUBSUB_EMULATOR_HOST", "127.0.0.1:9",
                                  "OPENSEARCH_URL", "http://127.0.0.1:9", "AUTH_DEV_ENABLED", "true"));
                if (service.equals("orders-api")) {
                    // The API's private observe socket, where collectors read its metrics without a token.
                    int observe = FreePort.find();
                    env.put("SERVER_SOCKETS_0_PORT", Integer.toString(observe));
                    running.observePorts.put(service, observe);
                }
                running.processes.put(service, builder.start());
                running.ports.put(service, port);
            }
            CompletableFuture.allOf(services.stream().map(s -> CompletableFuture.runAsync(() -> running.awaitReady(s)))
                                            .toArray(CompletableFuture[]::new)).join();
            return running;
        } catch (IOException | RuntimeException e) {
            running.close();
            throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
        }
    }

    private void awaitReady(String service) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!processes.get(service).isAlive()) {
                throw new IllegalStateException(service + " exited with " + processes.get(service).exitValue());
            }
            if (status(service, "/observe/health/ready") / 100 == 2) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException(service + " was not ready within 90 s");
    }

    /** @return the status of a GET, or 0 when nothing answers */
    int status(String service, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri(service, path)).timeout(Duration.ofSeconds(10)).build(),
                             HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /**
     * @param service a running service
     * @return its {@code /observe/metrics} in Prometheus text, read where a collector reads it (the API's private
     *         observe socket, every other service's own port)
     */
    String metrics(String service) {
        int port = observePorts.getOrDefault(service, ports.get(service));
        try {
            HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + port + "/observe/metrics")).timeout(Duration.ofSeconds(10)).build(),
                                                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new AssertionError(service + " answers " + answer.statusCode() + " on /observe/metrics (port "
                                                 + port + ")");
            }
            return answer.body();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** @return whether the service takes events of every type (a dead-letter sink) */
    boolean acceptsAnyType(String service) {
        return probe(service).path("status").asInt() != 400;
    }

    /** @return the event types the service's handlers accept, as its answer to an unknown type names them */
    Set<String> acceptedTypes(String service) {
        Set<String> types = new LinkedHashSet<>();
        probe(service).path("acceptedTypes").forEach(t -> types.add(t.asText()));
        return types;
    }

    /** @return whether the service accepts events of that type */
    boolean accepts(String service, String type) {
        return acceptsAnyType(service) || acceptedTypes(service).contains(type);
    }

    private synchronized JsonNode probe(String service) {
        return probes.computeIfAbsent(service, s -> {
            HttpRequest request = HttpRequest.newBuilder(uri(s, "/")).timeout(Duration.ofSeconds(30))
                    .header("ce-specversion", "1.0").header("ce-id", "deploy-check-1")
                    .header("ce-source", "//deploy-check").header("ce-type", PROBE_TYPE)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
            try {
                HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                JsonNode body = response.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(response.body());
                return body.isObject() ? ((com.fasterxml.jackson.databind.node.ObjectNode) body)
                        .put("status", response.statusCode()) : JSON.createObjectNode().put("status",
                                                                                             response.statusCode());
            } catch (IOException e) {
                throw new UncheckedIOException(s + " did not answer an event", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        });
    }

    private URI uri(String service, String path) {
        return URI.create("http://127.0.0.1:" + ports.get(service) + path);
    }

    @Override
    public void close() {
        processes.values().forEach(Process::destroy);
        for (Process process : processes.values()) {
            try {
                if (!process.waitFor(15, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
