package dev.eventconsumers.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.helidon.logging.common.HelidonMdc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TracingTest {
    static final String CALLER = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    final List<Span> exported = new CopyOnWriteArrayList<>();

    @AfterEach
    void noExporter() {
        Tracing.exporter(Tracing.SpanExporter.NONE);
    }

    @Test
    void aSpanWithoutCallerStartsATraceAndItsChildrenStayInIt() {
        Tracing.exporter(exported::add);
        try (Span request = Tracing.start("GET", Span.Kind.SERVER)) {
            assertTrue(request.parentSpanId().isEmpty());
            assertEquals(Optional.of(request.context().traceId()), HelidonMdc.get(TraceFields.TRACE_ID));
            try (Span call = Tracing.start("firestore get order", Span.Kind.CLIENT)) {
                assertEquals(request.context().traceId(), call.context().traceId());
                assertEquals(Optional.of(request.context().spanId()), call.parentSpanId());
                assertNotEquals(request.context().spanId(), call.context().spanId());
                assertEquals(Optional.of(call.context().spanId()), HelidonMdc.get(TraceFields.SPAN_ID));
                assertEquals(Optional.of(call.context().traceparent()), Tracing.traceparent());
            }
            assertEquals(Optional.of(request.context().spanId()), HelidonMdc.get(TraceFields.SPAN_ID),
                         "the parent is current again");
        }
        assertTrue(Tracing.current().isEmpty());
        assertTrue(HelidonMdc.get(TraceFields.TRACE_ID).isEmpty(), "nothing is left in the log context");
        assertEquals(List.of("firestore get order", "GET"), exported.stream().map(Span::name).toList());
        assertTrue(exported.getFirst().endEpochNanos() >= exported.getFirst().startEpochNanos());
    }

    @Test
    void workThatCarriesATraceparentContinuesThatTraceWhateverIsCurrent() {
        try (Span push = Tracing.start("POST", Span.Kind.SERVER)) {
            try (Span action = Tracing.join("process order action", Span.Kind.CONSUMER, CALLER)) {
                assertEquals("4bf92f3577b34da6a3ce929d0e0e4736", action.context().traceId());
                assertEquals(Optional.of("00f067aa0ba902b7"), action.parentSpanId());
            }
            assertEquals(push.context().traceId(), Tracing.current().orElseThrow().context().traceId());
            try (Span invalid = Tracing.join("x", Span.Kind.CONSUMER, "00-zz")) {
                assertEquals(push.context().traceId(), invalid.context().traceId(), "an invalid value is ignored");
            }
        }
    }

    @Test
    void unsampledTracesAreNotExported() {
        Tracing.exporter(exported::add);
        try (Span span = Tracing.join("x", Span.Kind.SERVER, CALLER.replace("-01", "-00"))) {
            assertTrue(!span.context().sampled());
        }
        assertTrue(exported.isEmpty());
    }

    @Test
    void noCollectorNoExporter() {
        assertTrue(OtlpSpanExporter.fromEnvironment(Map.of()).isEmpty());
        assertTrue(OtlpSpanExporter.fromEnvironment(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " ")).isEmpty());
    }

    @Test
    void spansReachACollectorAsOtlpJson() throws Exception {
        LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
        List<String> headers = new CopyOnWriteArrayList<>();
        HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        collector.createContext("/v1/traces", exchange -> {
            headers.add(exchange.getRequestHeaders().getFirst("Authorization"));
            received.add(new ObjectMapper().readTree(exchange.getRequestBody()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        collector.start();
        try {
            OtlpSpanExporter exporter = OtlpSpanExporter.fromEnvironment(Map.of(
                    "OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:" + collector.getAddress().getPort() + "/",
                    "OTEL_EXPORTER_OTLP_HEADERS", "Authorization=Bearer t0ken", "K_SERVICE", "thumbnailer"))
                    .orElseThrow();
            Tracing.exporter(exporter);
            String traceId;
            try (Span event = Tracing.join("process google.cloud.storage.object.v1.finalized", Span.Kind.CONSUMER,
                                           CALLER)) {
                traceId = event.context().traceId();
                event.attribute("cloudevents.event_id", "e-1").attribute("retries", 2);
                try (Span call = Tracing.start("gcs read", Span.Kind.CLIENT)) {
                    call.error("503 from storage");
                }
            }
            JsonNode body = received.poll(10, TimeUnit.SECONDS);
            assertNotNull(body, "the collector got the spans");
            assertEquals("Bearer t0ken", headers.getFirst());
            JsonNode resource = body.path("resourceSpans").path(0);
            assertEquals("thumbnailer", resource.path("resource").path("attributes").path(0).path("value")
                    .path("stringValue").asText());
            JsonNode spans = resource.path("scopeSpans").path(0).path("spans");
            assertEquals(2, spans.size(), body.toString());
            JsonNode call = spans.path(0);
            JsonNode event = spans.path(1);
            assertEquals(traceId, call.path("traceId").asText());
            assertEquals(event.path("spanId").asText(), call.path("parentSpanId").asText());
            assertEquals("00f067aa0ba902b7", event.path("parentSpanId").asText());
            assertEquals(3, call.path("kind").asInt(), "client");
            assertEquals(5, event.path("kind").asInt(), "consumer");
            assertEquals(2, call.path("status").path("code").asInt(), "error");
            assertTrue(Long.parseLong(event.path("endTimeUnixNano").asText())
                               >= Long.parseLong(event.path("startTimeUnixNano").asText()));
            JsonNode retries = null;
            for (JsonNode attribute : event.path("attributes")) {
                if (attribute.path("key").asText().equals("retries")) {
                    retries = attribute;
                }
            }
            assertNotNull(retries, event.toString());
            assertEquals("2", retries.path("value").path("intValue").asText());
        } finally {
            collector.stop(0);
        }
    }
}
