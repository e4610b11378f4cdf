package dev.eventconsumers.localrun;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventconsumers.testkit.PubSubEmulator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Messages of Google's Pub/Sub emulator as messagePublished events, acked only once a subscriber took them. */
class PubSubBridgeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aFailedDeliveryIsNackedAndTheEmulatorDeliversTheMessageAgain() throws Exception {
        PubSubEmulator emulator = PubSubEmulator.shared();
        String topic = "actions" + System.nanoTime();
        try (CapturingSubscriber subscriber = new CapturingSubscriber()) {
            subscriber.answer(503);
            DeliveryLog log = new DeliveryLog(new PrintStream(new ByteArrayOutputStream()), ZoneOffset.UTC);
            PubSubBridge bridge = new PubSubBridge(emulator.host(), PubSubEmulator.PROJECT, topic,
                                                   subscriber.broker(0, log), log);
            bridge.create();
            Thread thread = Thread.ofVirtual().start(bridge);
            try {
                String body = "{\"messages\":[{\"data\":\"" + Base64.getEncoder().encodeToString(
                        "{\"order_id\":\"ORD-1\"}".getBytes(StandardCharsets.UTF_8))
                        + "\",\"attributes\":{\"action\":\"process_payment\"},\"orderingKey\":\"ORD-1\"}]}";
                HttpResponse<String> published = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://" + emulator.host() + "/v1/projects/" + PubSubEmulator.PROJECT + "/topics/" + topic
                                + ":publish")).POST(HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, published.statusCode(), published.body());
                String id = MAPPER.readTree(published.body()).path("messageIds").path(0).asText();

                List<CapturingSubscriber.Received> twice = subscriber.await(2);
                for (CapturingSubscriber.Received r : twice) {
                    assertEquals(id, r.attributes().get("id"));
                    assertEquals("google.cloud.pubsub.topic.v1.messagePublished", r.attributes().get("type"));
                    assertEquals("//pubsub.googleapis.com/projects/" + PubSubEmulator.PROJECT + "/topics/" + topic,
                                 r.attributes().get("source"));
                }
                JsonNode data = MAPPER.readTree(twice.get(1).body());
                assertEquals("{\"order_id\":\"ORD-1\"}", new String(Base64.getDecoder().decode(
                        data.path("message").path("data").asText()), StandardCharsets.UTF_8));
                assertEquals("process_payment", data.path("message").path("attributes").path("action").asText());
                assertEquals(id, data.path("message").path("messageId").asText());
                assertEquals("ORD-1", data.path("message").path("orderingKey").asText());
                assertEquals("projects/" + PubSubEmulator.PROJECT + "/subscriptions/local-run-" + topic,
                             data.path("subscription").asText());
                Thread.sleep(1500);
                assertEquals(2, subscriber.received().size(), "acked after the 204: not delivered a third time");
            } finally {
                bridge.stop();
                thread.interrupt();
            }
        }
    }
}
