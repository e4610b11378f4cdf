package dev.eventconsumers.cloudevents;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eventconsumers.testkit.Sample;
import dev.eventconsumers.runtime.ServiceLogging;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import io.helidon.webserver.testing.junit5.SetUpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.LogManager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The log line of an event handled under a trace carries the trace and the event's attributes. */
@ServerTest
class TraceLoggingTest {
    private final URI uri;
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    TraceLoggingTest(URI uri) {
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

    @BeforeEach
    void captureJsonLogs() {
        ServiceLogging.install(ServiceLogging.formatter("json", Optional.of("demo-project")), logs, Level.INFO);
    }

    @AfterEach
    void restoreLogging() throws Exception {
        LogManager.getLogManager().readConfiguration();
    }

    List<JsonNode> linesFor(String eventId) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : logs.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode json = CloudEventServiceTest.JSON.readTree(line);
            if (eventId.equals(json.path("logging.googleapis.com/labels").path("ce-id").asText())) {
                lines.add(json);
            }
        }
        assertFalse(lines.isEmpty(), "no log line for " + eventId + " in:\n" + logs);
        return lines;
    }

    @Test
    void traceparentBecomesCloudLoggingTrace() throws Exception {
        Sample sample = Sample.load("storage-finalized").withHeader("ce-id", "traced")
                .withHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        HttpResponse<byte[]> response = CloudEventServiceTest.CLIENT.send(sample.request(uri),
                                                                         HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(204, response.statusCode());
        JsonNode line = linesFor("traced").getFirst();
        assertEquals("projects/demo-project/traces/4bf92f3577b34da6a3ce929d0e0e4736",
                     line.path("logging.googleapis.com/trace").asText());
        // The line is the event's span's own, a child of the caller's.
        assertTrue(line.path("logging.googleapis.com/spanId").asText().matches("[0-9a-f]{16}"));
        assertNotEquals("00f067aa0ba902b7", line.path("logging.googleapis.com/spanId").asText());
        assertEquals(true, line.path("logging.googleapis.com/trace_sampled").asBoolean());
        assertEquals("INFO", line.path("severity").asText());
        assertEquals(EventTypes.STORAGE_OBJECT_FINALIZED,
                     line.path("logging.googleapis.com/labels").path("ce-type").asText());
        assertEquals("//storage.googleapis.com/projects/_/buckets/demo-uploads",
                     line.path("logging.googleapis.com/labels").path("ce-source").asText());
    }

    @Test
    void cloudTraceContextIsUsedWithoutTraceparent() throws Exception {
        Sample sample = Sample.load("storage-finalized").withHeader("ce-id", "cloud-traced")
                .withHeader("X-Cloud-Trace-Context", "105445aa7843bc8bf206b12000100000/1;o=1");
        CloudEventServiceTest.CLIENT.send(sample.request(uri), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode line = linesFor("cloud-traced").getFirst();
        assertEquals("projects/demo-project/traces/105445aa7843bc8bf206b12000100000",
                     line.path("logging.googleapis.com/trace").asText());
    }

    @Test
    void rejectedEventIsLoggedWithItsAttributes() throws Exception {
        Sample sample = Sample.load("storage-finalized").withHeader("ce-id", "bad-type")
                .withHeader("ce-type", "com.example.unknown");
        CloudEventServiceTest.CLIENT.send(sample.request(uri), HttpResponse.BodyHandlers.ofByteArray());
        JsonNode line = linesFor("bad-type").getFirst();
        assertEquals("com.example.unknown", line.path("logging.googleapis.com/labels").path("ce-type").asText());
        // No caller's trace: the request starts one, so its lines are still grouped.
        assertTrue(line.path("logging.googleapis.com/trace").asText().matches("projects/demo-project/traces/[0-9a-f]{32}"));
    }

    @Test
    void theEventsOwnTraceparentWinsOverTheRequests() throws Exception {
        Sample sample = Sample.load("storage-finalized").withHeader("ce-id", "event-traced")
                .withHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .withHeader("ce-traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
        CloudEventServiceTest.CLIENT.send(sample.request(uri), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals("projects/demo-project/traces/0af7651916cd43dd8448eb211c80319c",
                     linesFor("event-traced").getFirst().path("logging.googleapis.com/trace").asText());
    }

    @Test
    void aPubSubMessageContinuesTheTraceItsAttributeNames() throws Exception {
        // The platform's push has its own trace; the message carries its producer's (the API's POST /orders).
        Sample sample = CloudEventServiceTest.pubSubWithOutcome("carried", "done")
                .withHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .withBodyText(body -> body.replace("\"outcome\": \"done\"", "\"outcome\": \"done\", \"traceparent\": "
                        + "\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\""));
        assertEquals(204, CloudEventServiceTest.CLIENT.send(sample.request(uri),
                                                           HttpResponse.BodyHandlers.ofByteArray()).statusCode());
        String handled = RecordingService.TRACES.get("carried");
        assertTrue(handled.startsWith("00-0af7651916cd43dd8448eb211c80319c-"), handled);
        assertEquals("projects/demo-project/traces/0af7651916cd43dd8448eb211c80319c",
                     linesFor("carried").getFirst().path("logging.googleapis.com/trace").asText());
    }

    @Test
    void aFirestoreChangeContinuesTheTraceOfItsWriter() throws Exception {
        // firestore-written-json with a traceparent field on the document, as the order store writes it.
        Sample sample = Sample.load("firestore-written-json").withHeader("ce-id", "written-traced")
                .withBodyText(body -> body.replaceFirst("\"fields\": \\{", "\"fields\": {\"traceparent\": {\"stringValue\": "
                        + "\"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01\"}, "));
        assertEquals(204, CloudEventServiceTest.CLIENT.send(sample.request(uri),
                                                           HttpResponse.BodyHandlers.ofByteArray()).statusCode());
        assertTrue(RecordingService.TRACES.get("written-traced").startsWith("00-0af7651916cd43dd8448eb211c80319c-"));
    }

    @Test
    void aReplyCarriesTheTraceOn() throws Exception {
        Sample sample = CloudEventServiceTest.pubSubWithOutcome("reply-traced", "reply")
                .withHeader("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        HttpResponse<byte[]> reply = CloudEventServiceTest.CLIENT.send(sample.request(uri),
                                                                      HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, reply.statusCode());
        assertTrue(reply.headers().firstValue("ce-traceparent").orElseThrow()
                           .startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-"));
    }
}
