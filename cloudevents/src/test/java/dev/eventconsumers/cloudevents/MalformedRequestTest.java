package dev.eventconsumers.cloudevents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventconsumers.testkit.Sample;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every malformed request is answered 4xx with a problem that names what was wrong, and reaches no handler. */
@ServerTest
class MalformedRequestTest {
    private final URI uri;

    MalformedRequestTest(URI uri) {
        this.uri = uri;
    }

    @SetUpServer
    static void server(WebServerConfig.Builder server) {
        CloudEventServiceTest.server(server);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        CloudEventServiceTest.routing(routing);
    }

    static Sample storage(String id) {
        return Sample.load("storage-finalized").withHeader("ce-id", id);
    }

    static Stream<Arguments> malformed() {
        byte[] protobuf = Sample.load("firestore-written").body();
        return Stream.of(
                Arguments.of("missing ce-id", storage("x").withHeader("ce-id", null), 400, "ce-id"),
                Arguments.of("missing ce-source", storage("m-source").withHeader("ce-source", null), 400, "ce-source"),
                Arguments.of("missing ce-type", storage("m-type").withHeader("ce-type", null), 400, "ce-type"),
                Arguments.of("missing ce-specversion", storage("m-spec").withHeader("ce-specversion", null), 400,
                             "ce-specversion"),
                Arguments.of("empty ce-id", storage("x").withHeader("ce-id", ""), 400, "id"),
                Arguments.of("empty ce-type", storage("e-type").withHeader("ce-type", ""), 400, "type"),
                Arguments.of("unsupported specversion", storage("spec").withHeader("ce-specversion", "9.9"), 400,
                             "specversion"),
                Arguments.of("invalid JSON data", storage("bad-json").withBodyText(b -> b.substring(0, 40)), 400, "data"),
                Arguments.of("storage data without name", storage("no-name").withBodyText(
                        b -> b.replace("\"name\": \"uploads/photo.jpg\",", "")), 400, "/name"),
                Arguments.of("garbage protobuf", Sample.load("firestore-written").withHeader("ce-id", "garbage")
                        .withBody(garbage()), 400, "data"),
                Arguments.of("invalid base64 in a Pub/Sub message", Sample.load("pubsub-published")
                        .withHeader("ce-id", "b64").withBodyText(b -> b.replaceFirst("\"data\": \"[^\"]*\"",
                                                                                   "\"data\": \"not*base64!\"")),
                             400, "data"),
                Arguments.of("unknown type", storage("unknown").withHeader("ce-type", "com.example.unknown"), 400,
                             "type"),
                Arguments.of("JSON content type on protobuf data", Sample.load("firestore-written")
                        .withHeader("ce-id", "mismatch").withHeader("Content-Type", "application/json"), 400, "data"),
                Arguments.of("protobuf content type on JSON data", Sample.load("firestore-written-json")
                        .withHeader("ce-id", "mismatch2").withHeader("Content-Type", "application/protobuf"), 400,
                             "data"),
                Arguments.of("storage data declared as text", storage("text").withHeader("Content-Type", "text/plain"),
                             400, "datacontenttype"),
                Arguments.of("Firestore data in an unsupported type", Sample.load("firestore-written")
                        .withHeader("ce-id", "xml").withHeader("Content-Type", "application/xml")
                        .withBody(protobuf), 400, "datacontenttype"),
                Arguments.of("empty body", storage("empty").withBody(new byte[0]), 400, "data"),
                Arguments.of("duplicated ce-id header", new Sample("dup", Stream.concat(
                        storage("dup-1").headers().stream(),
                        Stream.of(java.util.Map.entry("ce-id", "dup-2"))).toList(), storage("dup").body()), 400,
                             "ce-id"),
                Arguments.of("malformed percent-encoding", storage("pct").withHeader("ce-subject", "objects/%zz"), 400,
                             "ce-subject"),
                Arguments.of("invalid ce-time", storage("time").withHeader("ce-time", "yesterday"), 400, "headers"),
                Arguments.of("structured event that is not JSON", Sample.load("storage-finalized-structured")
                        .withBodyText(b -> "{\"specversion\": \"1.0\", "), 400, "body"),
                Arguments.of("structured event without id", Sample.load("storage-finalized-structured")
                        .withBodyText(b -> b.replace("\"id\": \"7304861095213865\",", "")), 400, "body"),
                Arguments.of("batch that is not an array", Sample.load("batch").withBodyText(b -> "{}"), 400, "body"),
                Arguments.of("empty batch", Sample.load("batch").withBodyText(b -> "[]"), 400, "body"),
                Arguments.of("plain JSON that is no event", new Sample("plain", java.util.List.of(
                        java.util.Map.entry("Content-Type", "application/json")), "{\"hello\":1}".getBytes()), 400,
                             "ce-specversion"),
                Arguments.of("Pub/Sub push without subscription", Sample.load("pubsub-push").withBodyText(
                        b -> b.replace("\"subscription\": \"projects/demo-project/subscriptions/order-worker-push\",",
                                       "")), 400, "/subscription"),
                Arguments.of("Pub/Sub push with invalid base64", Sample.load("pubsub-push").withBodyText(
                        b -> b.replaceFirst("\"data\": \"[^\"]*\"", "\"data\": \"%%%\"")), 400, "data"),
                Arguments.of("Scheduler call with a bad schedule time", Sample.load("scheduler-http")
                        .withHeader("X-CloudScheduler-ScheduleTime", "2am"), 400, "X-CloudScheduler-ScheduleTime"),
                // Strict JSON for every payload: protobuf's parser took all of these (and answered 204).
                Arguments.of("storage data with trailing garbage", storage("trail").withBodyText(b -> b + "xyz"), 400,
                             "data"),
                Arguments.of("two storage documents", storage("two").withBodyText(b -> b + b), 400, "data"),
                Arguments.of("storage data with a comment", storage("comment").withBodyText(b -> "/* c */" + b), 400,
                             "data"),
                Arguments.of("storage data with single quotes", storage("quote").withBodyText(
                        b -> b.replace("\"bucket\"", "'bucket'")), 400, "data"),
                Arguments.of("storage data with a repeated member", storage("repeat").withBodyText(
                        b -> b.replace("\"name\": \"uploads/photo.jpg\",", "\"name\": \"uploads/photo.jpg\", "
                                + "\"name\": \"uploads/other.jpg\",")), 400, "data"),
                Arguments.of("storage data after a byte order mark", storage("bom").withBody(
                        concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, storage("x").body())), 400, "data"),
                Arguments.of("storage data that is not UTF-8", storage("utf8").withBody(concat(
                        "{\"bucket\":\"demo-uploads\",\"name\":\"uploads/".getBytes(StandardCharsets.UTF_8),
                        new byte[] {(byte) 0xC3, (byte) 0x28}, "\"}".getBytes(StandardCharsets.UTF_8))), 400, "data"),
                Arguments.of("negative object size", storage("size").withBodyText(
                        b -> b.replaceFirst("\"size\": \"[0-9]+\"", "\"size\": \"-5\"")), 400, "/size"),
                Arguments.of("negative generation", storage("gen").withBodyText(
                        b -> b.replaceFirst("\"generation\": \"[0-9]+\"", "\"generation\": \"-1\"")), 400,
                             "/generation"),
                Arguments.of("Firestore JSON with trailing data", Sample.load("firestore-written-json")
                        .withHeader("ce-id", "fs-trail").withBodyText(b -> b + "]"), 400, "data"),
                Arguments.of("Pub/Sub data with a comment", Sample.load("pubsub-published").withHeader("ce-id", "ps-c")
                        .withBodyText(b -> "// x\n" + b), 400, "data"),
                Arguments.of("structured event with trailing data", Sample.load("storage-finalized-structured")
                        .withBodyText(b -> b + "{}"), 400, "body"),
                Arguments.of("batch with trailing data", Sample.load("batch").withBodyText(b -> b + "[]"), 400, "body"),
                // Control characters: the CloudEvents type system allows none in a String attribute.
                Arguments.of("NUL in a percent-encoded subject", storage("nul").withHeader("ce-subject", "objects/a%00b"),
                             400, "subject"),
                Arguments.of("CR LF in a percent-encoded subject", storage("crlf")
                        .withHeader("ce-subject", "objects/a%0D%0Ab"), 400, "subject"),
                Arguments.of("C1 control in an id", storage("c1%C2%85"), 400, "id"),
                Arguments.of("control character in an extension", storage("ext").withHeader("ce-bucket", "a%07b"), 400,
                             "bucket"),
                Arguments.of("control character in a structured attribute", Sample.load("storage-finalized-structured")
                        .withBodyText(b -> b.replace("\"subject\": \"", "\"subject\": \"\\u0001")), 400, "subject"),
                Arguments.of("lone surrogate in a structured id", Sample.load("storage-finalized-structured")
                        .withBodyText(b -> b.replace("\"id\": \"7304861095213865\"", "\"id\": \"a\\ud800\"")), 400,
                             "id"),
                Arguments.of("Pub/Sub push whose subscription makes no URI", Sample.load("pubsub-push").withBodyText(
                        b -> b.replace("projects/demo-project/subscriptions/order-worker-push", "a b")), 400,
                             "/subscription"),
                // A batch fans out into a handler call per event: capped.
                Arguments.of("batch over the cap", Sample.load("batch").withBodyText(b -> pings(101)), 413, "body"));
    }

    static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    static String pings(int n) {
        StringBuilder batch = new StringBuilder("[");
        for (int i = 0; i < n; i++) {
            batch.append(i == 0 ? "" : ",").append("{\"specversion\":\"1.0\",\"id\":\"p-").append(i)
                    .append("\",\"source\":\"/s\",\"type\":\"dev.knative.sources.ping\"}");
        }
        return batch.append(']').toString();
    }

    static byte[] garbage() {
        byte[] bytes = new byte[64];
        new java.util.Random(7).nextBytes(bytes);
        return bytes;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedRequestIsAProblemNamingWhatWasWrong(String title, Sample sample, int status, String field)
            throws Exception {
        HttpResponse<byte[]> response = CloudEventServiceTest.CLIENT.send(sample.request(uri),
                                                                         HttpResponse.BodyHandlers.ofByteArray());
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertEquals(status, response.statusCode(), body);
        JsonNode problem = CloudEventServiceTest.problem(response);
        boolean named = false;
        for (JsonNode error : problem.path("errors")) {
            named |= error.path("name").asText().equals(field);
        }
        assertTrue(named, "no error names " + field + ": " + body);
        assertFalse(body.contains("\tat "), body);
        sample.headers().stream().filter(h -> h.getKey().equalsIgnoreCase("ce-id")).forEach(
                h -> assertFalse(RecordingService.RECEIVED.containsKey(h.getValue()), "handler ran for " + title));
    }

    @Test
    void unknownTypeProblemListsTheAcceptedTypes() throws Exception {
        HttpResponse<byte[]> response = CloudEventServiceTest.CLIENT.send(
                storage("unknown-2").withHeader("ce-type", "com.example.unknown").request(uri),
                HttpResponse.BodyHandlers.ofByteArray());
        JsonNode accepted = CloudEventServiceTest.problem(response).path("acceptedTypes");
        assertTrue(accepted.toString().contains(EventTypes.STORAGE_OBJECT_FINALIZED), accepted.toString());
        assertTrue(accepted.toString().contains(EventTypes.KNATIVE_PING), accepted.toString());
    }

    @Test
    void bodyOverTheCapIsPayloadTooLarge() throws Exception {
        byte[] big = new byte[70_000];
        Arrays.fill(big, (byte) ' ');
        // Expect: 100-continue, as careful clients send large bodies: the server refuses on the headers alone,
        // and never closes the connection on a body it left unread (which could reset it before the answer).
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofByteArray(big));
        storage("big").headers().forEach(h -> request.header(h.getKey(), h.getValue()));
        HttpResponse<byte[]> response = CloudEventServiceTest.CLIENT.send(request.build(),
                                                                         HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(413, response.statusCode());
        CloudEventServiceTest.problem(response);
    }

    @Test
    void chunkedBodyOverTheCapIsRefusedToo() throws Exception {
        byte[] big = new byte[70_000];
        Arrays.fill(big, (byte) ' ');
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).expectContinue(true)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
        storage("big-chunked").headers().forEach(h -> request.header(h.getKey(), h.getValue()));
        HttpResponse<byte[]> response = CloudEventServiceTest.CLIENT.send(request.build(),
                                                                         HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(413, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        CloudEventServiceTest.problem(response);
    }
}
