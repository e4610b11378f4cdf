package dev.eventconsumers.localrun;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The broker ingress and the fire-now route, with the repository's own samples, against a real subscriber. */
class ControlServerTest {
    private static final Path SAMPLES = GraphProcess.repositoryRoot().resolve("cloudevents/samples");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void binaryAndStructuredEventsAreRoutedAndMalformedOnesGetAProblem() throws Exception {
        try (CapturingSubscriber subscriber = new CapturingSubscriber()) {
            DeliveryLog log = new DeliveryLog(new PrintStream(new ByteArrayOutputStream()), ZoneOffset.UTC);
            Broker broker = subscriber.broker(0, log);
            Manifests manifests = Manifests.load(GraphProcess.repositoryRoot().resolve("k8s/base"));
            ControlServer server = new ControlServer(0, broker, new PingScheduler(manifests, broker, Clock.systemUTC()),
                                                     manifests, Map.of(), log);
            server.start();
            try {
                String base = "http://127.0.0.1:" + server.port() + "/";
                HttpRequest.Builder binary = HttpRequest.newBuilder(URI.create(base)).POST(
                        HttpRequest.BodyPublishers.ofFile(SAMPLES.resolve("storage-finalized.json")));
                for (String line : Files.readAllLines(SAMPLES.resolve("storage-finalized.headers"))) {
                    binary.header(line.substring(0, line.indexOf(':')).trim(), line.substring(line.indexOf(':') + 1).trim());
                }
                HttpResponse<String> accepted = http.send(binary.build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(202, accepted.statusCode(), accepted.body());
                CapturingSubscriber.Received first = subscriber.await(1).getFirst();
                assertEquals("7304861095213864", first.attributes().get("id"));
                assertEquals("objects/uploads/photo.jpg", first.attributes().get("subject"));
                assertArrayEquals(Files.readAllBytes(SAMPLES.resolve("storage-finalized.json")), first.body());
                assertTrue(first.attributes().containsKey("knativearrivaltime"), "the broker stamps arrival");

                HttpResponse<String> structured = http.send(HttpRequest.newBuilder(URI.create(base))
                        .header("Content-Type", "application/cloudevents+json")
                        .POST(HttpRequest.BodyPublishers.ofFile(SAMPLES.resolve("storage-finalized-structured.json")))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(202, structured.statusCode(), structured.body());
                CapturingSubscriber.Received second = subscriber.await(2).get(1);
                assertEquals("google.cloud.storage.object.v1.finalized", second.attributes().get("type"));
                assertEquals("application/json", second.contentType());
                assertEquals("uploads/photo.jpg", GraphProcess.MAPPER.readTree(second.body()).path("name").asText());

                for (var bad : List.of(
                        HttpRequest.newBuilder(URI.create(base)).header("ce-type", "x").header("ce-id", "1")
                                .POST(HttpRequest.BodyPublishers.ofString("{}")),
                        HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/cloudevents+json")
                                .POST(HttpRequest.BodyPublishers.ofString("{not json")),
                        HttpRequest.newBuilder(URI.create(base)).header("Content-Type", "application/cloudevents+json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"specversion\":\"1.0\",\"id\":\"1\","
                                        + "\"source\":\"/s\",\"type\":\"t\",\"data_base64\":\"%%%\"}")))) {
                    HttpResponse<String> refused = http.send(bad.build(), HttpResponse.BodyHandlers.ofString());
                    assertEquals(400, refused.statusCode(), refused.body());
                    assertEquals("application/problem+json", refused.headers().firstValue("Content-Type").orElse(""));
                    assertTrue(refused.body().contains("\"title\":\"Invalid CloudEvent\""), refused.body());
                }

                HttpResponse<String> fired = http.send(HttpRequest.newBuilder(URI.create(base + "pingsources/daily-report"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"date\":\"2026-11-26\"}")).build(),
                                                       HttpResponse.BodyHandlers.ofString());
                assertEquals(202, fired.statusCode(), fired.body());
                CapturingSubscriber.Received ping = subscriber.await(3).get(2);
                assertEquals("dev.knative.sources.ping", ping.attributes().get("type"));
                assertEquals("/apis/v1/namespaces/default/pingsources/daily-report", ping.attributes().get("source"));
                assertEquals("{\"date\":\"2026-11-26\"}", new String(ping.body(), StandardCharsets.UTF_8));
                assertEquals(3, subscriber.received().size(), "nothing of the refused requests was delivered");
            } finally {
                server.stop();
            }
        }
    }
}
