package dev.eventconsumers.localrun;

import dev.eventconsumers.cloudevents.EventTypes;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Eventarc's {@code google.cloud.pubsub.topic.v1.messagePublished} for one topic of the Pub/Sub emulator: a pull
 * subscription of its own ({@code local-run-TOPIC}); each message is published to the broker with the
 * {@code {"message": {...}, "subscription": ...}} body Eventarc sends, and acknowledged only once every matching
 * Trigger's subscriber (or, after its retries, its dead-letter sink) took it. Otherwise it is nacked and the emulator
 * delivers it again. The ack deadline of a message still being retried is extended every 30 s.
 */
final class PubSubBridge implements Runnable {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int ACK_DEADLINE_SECONDS = 60;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String emulator;
    private final String project;
    private final String topic;
    private final String subscription;
    private final Broker broker;
    private final DeliveryLog log;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();
    private volatile boolean running = true;

    PubSubBridge(String emulatorHost, String project, String topic, Broker broker, DeliveryLog log) {
        this.emulator = "http://" + emulatorHost + "/v1/";
        this.project = project;
        this.topic = topic;
        this.subscription = "projects/" + project + "/subscriptions/local-run-" + topic;
        this.broker = broker;
        this.log = log;
    }

    /** Creates the topic (when missing) and this bridge's subscription to it. */
    void create() throws IOException, InterruptedException {
        call("PUT", "projects/" + project + "/topics/" + topic, "{}", Set.of(200, 409));
        call("PUT", subscription, MAPPER.createObjectNode().put("topic", "projects/" + project + "/topics/" + topic)
                .put("ackDeadlineSeconds", ACK_DEADLINE_SECONDS).toString(), Set.of(200, 409));
    }

    /**
     * Without the router: a push subscription by which the emulator itself delivers the topic's messages to a service
     * run alone (a plain Pub/Sub push, which the binding reads as the same event).
     *
     * @param endpoint the service's URL
     */
    void pushTo(URI endpoint) throws IOException, InterruptedException {
        call("PUT", "projects/" + project + "/topics/" + topic, "{}", Set.of(200, 409));
        ObjectNode push = MAPPER.createObjectNode().put("topic", "projects/" + project + "/topics/" + topic)
                .put("ackDeadlineSeconds", ACK_DEADLINE_SECONDS);
        push.putObject("pushConfig").put("pushEndpoint", endpoint.toString());
        call("PUT", "projects/" + project + "/subscriptions/" + topic + "-push", push.toString(), Set.of(200, 409));
        // And one to watch the topic with: POST .../subscriptions/TOPIC-tail:pull
        call("PUT", "projects/" + project + "/subscriptions/" + topic + "-tail", MAPPER.createObjectNode()
                .put("topic", "projects/" + project + "/topics/" + topic).toString(), Set.of(200, 409));
    }

    @Override
    public void run() {
        Thread.ofVirtual().start(this::extendDeadlines);
        while (running) {
            try {
                JsonNode pulled = call("POST", subscription + ":pull",
                                       "{\"maxMessages\":100,\"returnImmediately\":false}", Set.of(200));
                for (JsonNode received : pulled.path("receivedMessages")) {
                    deliver(received);
                }
                if (pulled.path("receivedMessages").isEmpty()) {
                    Thread.sleep(20);
                }
            } catch (IOException e) {
                // After a pause, so that Ctrl-C, which stops the emulator at once, is not reported as a failure.
                pause();
                if (running) {
                    log.note("Pub/Sub pull of " + topic + ": " + e.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void deliver(JsonNode received) {
        String ackId = received.path("ackId").asText();
        JsonNode message = received.path("message");
        ObjectNode wrapped = MAPPER.createObjectNode();
        ObjectNode m = wrapped.putObject("message");
        m.put("@type", "type.googleapis.com/google.pubsub.v1.PubsubMessage");
        if (message.has("attributes")) {
            m.set("attributes", message.get("attributes"));
        }
        m.put("data", message.path("data").asText(""));
        m.put("messageId", message.path("messageId").asText());
        m.put("message_id", message.path("messageId").asText());
        m.put("publishTime", message.path("publishTime").asText());
        m.put("publish_time", message.path("publishTime").asText());
        if (!message.path("orderingKey").asText("").isEmpty()) {
            m.put("orderingKey", message.path("orderingKey").asText());
        }
        wrapped.put("subscription", subscription);
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("specversion", "1.0");
        attributes.put("id", message.path("messageId").asText());
        attributes.put("source", "//pubsub.googleapis.com/projects/" + project + "/topics/" + topic);
        attributes.put("type", EventTypes.PUBSUB_MESSAGE_PUBLISHED);
        attributes.put("time", message.path("publishTime").asText());
        inFlight.add(ackId);
        broker.publish(new Event(attributes, "application/json", wrapped.toString().getBytes(
                java.nio.charset.StandardCharsets.UTF_8))).whenComplete((taken, error) -> {
            inFlight.remove(ackId);
            try {
                if (Boolean.TRUE.equals(taken)) {
                    call("POST", subscription + ":acknowledge",
                         MAPPER.createObjectNode().set("ackIds", MAPPER.valueToTree(List.of(ackId))).toString(),
                         Set.of(200));
                } else {
                    modifyDeadline(List.of(ackId), 0);
                }
            } catch (IOException e) {
                log.note("Pub/Sub ack of message " + message.path("messageId").asText() + ": " + e.getMessage()
                                 + " (the emulator will deliver it again)");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    private void extendDeadlines() {
        while (running) {
            try {
                Thread.sleep(30_000);
                List<String> ids = List.copyOf(inFlight);
                if (!ids.isEmpty()) {
                    modifyDeadline(ids, ACK_DEADLINE_SECONDS);
                }
            } catch (IOException e) {
                log.note("Pub/Sub deadline extension: " + e.getMessage());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void modifyDeadline(List<String> ackIds, int seconds) throws IOException, InterruptedException {
        ObjectNode body = MAPPER.createObjectNode().put("ackDeadlineSeconds", seconds);
        body.set("ackIds", MAPPER.valueToTree(ackIds));
        call("POST", subscription + ":modifyAckDeadline", body.toString(), Set.of(200));
    }

    private JsonNode call(String method, String path, String body, Set<Integer> ok)
            throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(emulator + path)).timeout(Duration.ofSeconds(90))
                        .header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (!ok.contains(response.statusCode())) {
            throw new IOException(method + " " + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body().isBlank() ? MAPPER.createObjectNode() : MAPPER.readTree(response.body());
    }

    private void pause() {
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stop() {
        running = false;
    }
}
