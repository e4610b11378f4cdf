package dev.eventconsumers.cloudevents;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.events.cloud.firestore.v1.DocumentEventData;
import com.google.events.cloud.pubsub.v1.MessagePublishedData;
import com.google.events.cloud.scheduler.v1.SchedulerJobData;
import com.google.events.cloud.storage.v1.StorageObjectData;
import dev.eventconsumers.testkit.Sample;
import dev.eventconsumers.runtime.ServiceServer;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every sample, in every mode, reaches its handler as the right typed payload. */
@ServerTest
class CloudEventServiceTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final URI uri;

    CloudEventServiceTest(URI uri) {
        this.uri = uri;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        ServiceServer.configure(server, testConfig());
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        ServiceServer.routing(routing);
        routing.register("/", RecordingService.create());
    }

    static Config testConfig() {
        return Config.just(ConfigSources.create(Map.of("server.port", "0", "server.max-payload-size", "65536")));
    }

    HttpResponse<byte[]> send(Sample sample) throws IOException, InterruptedException {
        return CLIENT.send(sample.request(uri), HttpResponse.BodyHandlers.ofByteArray());
    }

    <T> TypedEvent<T> received(String id, Class<T> type) {
        TypedEvent<?> event = RecordingService.RECEIVED.get(id);
        assertTrue(event != null, "the handler did not receive event " + id);
        assertInstanceOf(type, event.data());
        @SuppressWarnings("unchecked")
        TypedEvent<T> typed = (TypedEvent<T>) event;
        return typed;
    }

    @Test
    void binaryStorageEventDecodesToStorageObjectData() throws Exception {
        Sample sample = Sample.load("storage-finalized");
        assertEquals(204, send(sample).statusCode());
        TypedEvent<StorageObjectData> event = received(sample.header("ce-id"), StorageObjectData.class);
        assertEquals("uploads/photo.jpg", event.data().getName());
        assertEquals("demo-uploads", event.data().getBucket());
        assertEquals(2483622L, event.data().getSize());
        assertEquals(1764235200123456L, event.data().getGeneration());
        assertEquals("objects/uploads/photo.jpg", event.subject().orElseThrow());
        assertEquals("demo-uploads", event.extension("bucket").orElseThrow());
    }

    @Test
    void structuredStorageEventDecodesLikeBinary() throws Exception {
        Sample sample = Sample.load("storage-finalized-structured");
        assertEquals(204, send(sample).statusCode());
        TypedEvent<StorageObjectData> event = received("7304861095213865", StorageObjectData.class);
        assertEquals("uploads/photo.jpg", event.data().getName());
        assertEquals(EventTypes.STORAGE_OBJECT_FINALIZED, event.type());
    }

    @Test
    void firestoreProtobufAndJsonOfTheSameChangeDecodeEqual() throws Exception {
        Sample protobuf = Sample.load("firestore-written").withHeader("ce-id", "firestore-pb");
        Sample json = Sample.load("firestore-written-json").withHeader("ce-id", "firestore-json");
        assertEquals(204, send(protobuf).statusCode());
        assertEquals(204, send(json).statusCode());
        DocumentEventData fromProtobuf = received("firestore-pb", DocumentEventData.class).data();
        DocumentEventData fromJson = received("firestore-json", DocumentEventData.class).data();
        assertEquals(fromProtobuf, fromJson);
        assertEquals("PAYMENT_PROCESSED", fromProtobuf.getValue().getFieldsOrThrow("status").getStringValue());
        assertEquals(4999L, fromProtobuf.getValue().getFieldsOrThrow("totalCents").getIntegerValue());
        assertEquals("CREATED", fromProtobuf.getOldValue().getFieldsOrThrow("status").getStringValue());
        assertEquals(java.util.List.of("status", "updatedAt"), fromProtobuf.getUpdateMask().getFieldPathsList());
        assertEquals("orders/ORD-20261127-1a2b3c4d",
                     received("firestore-pb", DocumentEventData.class).extension("document").orElseThrow());
    }

    @Test
    void firestoreChangeOfAnotherCollectionDecodesToo() throws Exception {
        Sample sample = Sample.load("firestore-written-other");
        assertEquals(204, send(sample).statusCode());
        TypedEvent<DocumentEventData> event = received(sample.header("ce-id"), DocumentEventData.class);
        assertEquals("projects/demo-project/databases/(default)/documents/carts/CART-1",
                     event.data().getValue().getName());
        assertEquals("carts/CART-1", event.extension("document").orElseThrow());
    }

    @Test
    void firestoreWithAuthContextTypeIsAccepted() throws Exception {
        Sample sample = Sample.load("firestore-written")
                .withHeader("ce-id", "with-auth")
                .withHeader("ce-type", EventTypes.FIRESTORE_DOCUMENT_WRITTEN + EventTypes.WITH_AUTH_CONTEXT)
                .withHeader("ce-authtype", "service_account")
                .withHeader("ce-authid", "indexer@demo-project.iam.gserviceaccount.com");
        assertEquals(204, send(sample).statusCode());
        assertEquals("service_account", received("with-auth", DocumentEventData.class).extension("authtype").orElseThrow());
    }

    @Test
    void pubSubEventWithDuplicatedFieldsDecodesLeniently() throws Exception {
        Sample sample = Sample.load("pubsub-published");
        assertEquals(204, send(sample).statusCode());
        MessagePublishedData data = received(sample.header("ce-id"), MessagePublishedData.class).data();
        assertEquals("11223344556677", data.getMessage().getMessageId());
        assertEquals("process_payment", data.getMessage().getAttributesOrThrow("action"));
        JsonNode order = JSON.readTree(data.getMessage().getData().toByteArray());
        assertEquals("ORD-20261127-1a2b3c4d", order.path("order_id").asText());
        assertEquals("projects/demo-project/subscriptions/eventarc-us-central1-order-worker-sub-042",
                     data.getSubscription());
    }

    @Test
    void plainPubSubPushBecomesMessagePublishedEvent() throws Exception {
        Sample sample = Sample.load("pubsub-push");
        assertEquals(204, send(sample).statusCode());
        TypedEvent<MessagePublishedData> event = received("11223344556678", MessagePublishedData.class);
        assertEquals(EventTypes.PUBSUB_MESSAGE_PUBLISHED, event.type());
        assertEquals("//pubsub.googleapis.com/projects/demo-project/subscriptions/order-worker-push", event.source());
        assertEquals("2026-11-27T09:31:00.456Z", event.cloudEvent().getTime().toInstant().toString());
        assertEquals("process_payment", event.data().getMessage().getAttributesOrThrow("action"));
    }

    @Test
    void schedulerExecutedEventDecodesCustomData() throws Exception {
        Sample sample = Sample.load("scheduler-executed");
        assertEquals(204, send(sample).statusCode());
        SchedulerJobData data = received(sample.header("ce-id"), SchedulerJobData.class).data();
        assertEquals("{\"date\":\"2026-11-26\"}", data.getCustomData().toStringUtf8());
    }

    @Test
    void schedulerHttpCallBecomesSchedulerEventIdentifiedByJobAndTime() throws Exception {
        Sample sample = Sample.load("scheduler-http");
        assertEquals(204, send(sample).statusCode());
        TypedEvent<SchedulerJobData> event = received("daily-report/2026-11-27T02:00:00Z", SchedulerJobData.class);
        assertEquals(EventTypes.SCHEDULER_JOB_EXECUTED, event.type());
        assertEquals("{\"date\":\"2026-11-26\"}", event.data().getCustomData().toStringUtf8());
        assertEquals("2026-11-27T02:00:00Z", event.cloudEvent().getTime().toInstant().toString());
    }

    @Test
    void pingSourceTickKeepsItsData() throws Exception {
        Sample sample = Sample.load("ping");
        assertEquals(204, send(sample).statusCode());
        PingData data = received(sample.header("ce-id"), PingData.class).data();
        assertEquals("{\"job\":\"daily-report\"}", data.text());
        assertEquals("application/json", data.contentType().orElseThrow());
    }

    @Test
    void pingSourceTickWithoutDataIsAccepted() throws Exception {
        Sample sample = Sample.load("ping").withHeader("ce-id", "empty-ping").withHeader("Content-Type", null)
                .withBody(new byte[0]);
        assertEquals(204, send(sample).statusCode());
        assertTrue(received("empty-ping", PingData.class).data().isEmpty());
    }

    @Test
    void batchHandsEveryEventToItsHandler() throws Exception {
        HttpResponse<byte[]> response = send(Sample.load("batch"));
        assertEquals(200, response.statusCode());
        JsonNode body = JSON.readTree(response.body());
        assertEquals(3, body.path("processed").asInt());
        assertEquals(0, body.path("failed").asInt());
        for (JsonNode result : body.path("results")) {
            assertEquals(204, result.path("status").asInt(), result.toString());
        }
        assertEquals("uploads/other.png", received("7304861095213866", StorageObjectData.class).data().getName());
        assertEquals("11223344556677",
                     received("11223344556679", MessagePublishedData.class).data().getMessage().getMessageId());
        assertEquals("{\"job\":\"daily-report\"}", received("3c1e0d97-5b4a-4e38-9f21-7a6b5c4d3e30", PingData.class)
                .data().text());
    }

    @Test
    void percentEncodedHeaderValuesAreDecoded() throws Exception {
        Sample sample = Sample.load("storage-finalized").withHeader("ce-id", "percent")
                .withHeader("ce-subject", "objects/uploads/caf%C3%A9%20menu.jpg");
        assertEquals(204, send(sample).statusCode());
        assertEquals("objects/uploads/café menu.jpg",
                     received("percent", StorageObjectData.class).subject().orElseThrow());
    }

    // Outcome mapping: the handler returns a value, the binding alone picks the status.

    static Sample pubSubWithOutcome(String id, String outcome) {
        return Sample.load("pubsub-published").withHeader("ce-id", id)
                .withBodyText(body -> body.replace("\"attributes\": {\"action\": \"process_payment\"}",
                                                   "\"attributes\": {\"action\": \"process_payment\", \"outcome\": \""
                                                           + outcome + "\"}"));
    }

    static long consumed(String type, String outcome) {
        return io.helidon.metrics.api.Metrics.getCounter("messaging.client.consumed.messages",
                                                         io.helidon.metrics.api.Metrics.tags(
                                                                 "cloudevents.event_type", type, "outcome", outcome))
                .map(io.helidon.metrics.api.Counter::count).orElse(0L);
    }

    @Test
    void eventsAreCountedByTheirTypeAndOutcomeAndUnknownTypesAsOther() throws Exception {
        long rejected = consumed(EventTypes.PUBSUB_MESSAGE_PUBLISHED, "reject");
        long retried = consumed(EventTypes.PUBSUB_MESSAGE_PUBLISHED, "retry");
        long other = consumed("other", "invalid");
        send(pubSubWithOutcome("counted-reject", "reject"));
        send(pubSubWithOutcome("counted-retry", "retry"));
        send(Sample.load("storage-finalized").withHeader("ce-id", "counted-other")
                     .withHeader("ce-type", "com.example.attacker.chosen." + System.nanoTime()));
        assertEquals(rejected + 1, consumed(EventTypes.PUBSUB_MESSAGE_PUBLISHED, "reject"));
        assertEquals(retried + 1, consumed(EventTypes.PUBSUB_MESSAGE_PUBLISHED, "retry"));
        assertEquals(other + 1, consumed("other", "invalid"), "a type nobody registered makes no series of its own");
        assertTrue(io.helidon.metrics.api.Metrics.getTimer("messaging.process.duration", io.helidon.metrics.api.Metrics
                .tags("cloudevents.event_type", EventTypes.PUBSUB_MESSAGE_PUBLISHED, "outcome", "reject"))
                           .orElseThrow().count() >= 1);
    }

    @Test
    void doneIsAcknowledgedWithNoContent() throws Exception {
        HttpResponse<byte[]> response = send(pubSubWithOutcome("outcome-done", "done"));
        assertEquals(204, response.statusCode());
        assertEquals(0, response.body().length);
    }

    @Test
    void replyIsSentInBinaryMode() throws Exception {
        HttpResponse<byte[]> response = send(pubSubWithOutcome("outcome-reply", "reply"));
        assertEquals(200, response.statusCode());
        assertEquals("reply-to-outcome-reply", response.headers().firstValue("ce-id").orElseThrow());
        assertEquals("dev.eventconsumers.test.replied", response.headers().firstValue("ce-type").orElseThrow());
        assertEquals("/recording-service", response.headers().firstValue("ce-source").orElseThrow());
        assertEquals("1.0", response.headers().firstValue("ce-specversion").orElseThrow());
        assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        assertEquals("{\"ok\":true}", new String(response.body(), StandardCharsets.UTF_8));
    }

    @Test
    void rejectIsUnprocessableProblemNamingTheField() throws Exception {
        HttpResponse<byte[]> response = send(pubSubWithOutcome("outcome-reject", "reject"));
        assertEquals(422, response.statusCode());
        JsonNode problem = problem(response);
        assertEquals("order ORD-1 does not exist", problem.path("detail").asText());
        assertEquals("/order_id", problem.path("errors").path(0).path("name").asText());
        assertEquals("outcome-reject", problem.path("eventId").asText());
    }

    @Test
    void retryIsServiceUnavailableWithRetryAfter() throws Exception {
        HttpResponse<byte[]> response = send(pubSubWithOutcome("outcome-retry", "retry"));
        assertEquals(503, response.statusCode());
        assertEquals("30", response.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("Firestore is unavailable", problem(response).path("detail").asText());
    }

    @Test
    void unexpectedExceptionIsInternalErrorWithoutStackTrace() throws Exception {
        HttpResponse<byte[]> response = send(pubSubWithOutcome("outcome-throw", "throw"));
        assertEquals(500, response.statusCode());
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertEquals("application/problem+json", response.headers().firstValue("content-type").orElseThrow());
        assertFalse(body.contains("secret internal detail"), body);
        assertFalse(body.contains("IllegalStateException"), body);
        assertFalse(body.contains("\tat "), body);
    }

    @Test
    void batchReportsExactlyWhichEventsFailed() throws Exception {
        String good = new String(Sample.load("batch").body(), StandardCharsets.UTF_8);
        JsonNode events = JSON.readTree(good);
        ((com.fasterxml.jackson.databind.node.ObjectNode) events.get(1)).put("id", "batch-reject")
                .with("data").with("message").with("attributes").put("outcome", "reject");
        ((com.fasterxml.jackson.databind.node.ObjectNode) events.get(2)).remove("source");
        HttpResponse<byte[]> response = CLIENT.send(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/cloudevents-batch+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(events))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(422, response.statusCode());
        JsonNode problem = problem(response);
        assertEquals(2, problem.path("failed").asInt());
        JsonNode results = problem.path("results");
        assertEquals(204, results.path(0).path("status").asInt());
        assertEquals(422, results.path(1).path("status").asInt());
        assertEquals("batch-reject", results.path(1).path("id").asText());
        assertEquals(400, results.path(2).path("status").asInt());
        assertTrue(results.path(2).path("problem").toString().contains("source"), results.path(2).toString());
        assertEquals("uploads/other.png", received("7304861095213866", StorageObjectData.class).data().getName());
    }

    @Test
    void batchWithARetryableFailureAsksForRedeliveryOfTheBatch() throws Exception {
        JsonNode events = JSON.readTree(Sample.load("batch").body());
        ((com.fasterxml.jackson.databind.node.ObjectNode) events.get(1)).put("id", "batch-retry")
                .with("data").with("message").with("attributes").put("outcome", "retry");
        HttpResponse<byte[]> response = CLIENT.send(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/cloudevents-batch+json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(events))).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(503, response.statusCode());
        assertEquals("30", response.headers().firstValue("Retry-After").orElseThrow());
        assertEquals(1, problem(response).path("failed").asInt());
    }

    static JsonNode problem(HttpResponse<byte[]> response) throws IOException {
        assertEquals("application/problem+json", response.headers().firstValue("content-type").orElseThrow(),
                     new String(response.body(), StandardCharsets.UTF_8));
        JsonNode problem = JSON.readTree(response.body());
        assertEquals(response.statusCode(), problem.path("status").asInt());
        assertFalse(problem.path("detail").asText().isEmpty());
        return problem;
    }
}
