package dev.eventconsumers.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Spans to an OpenTelemetry collector over OTLP/HTTP with JSON encoding ({@code POST /v1/traces}), in batches from a
 * background virtual thread that starts with the first span: nothing is loaded or started while no span ends, so a
 * service that scales to zero pays nothing at start. Configured with the standard variables:
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} (the full URL) or {@code OTEL_EXPORTER_OTLP_ENDPOINT} (a base to which
 * {@code /v1/traces} is added), {@code OTEL_EXPORTER_OTLP_HEADERS} ({@code k=v,k=v}), {@code OTEL_SERVICE_NAME} (else
 * {@code K_SERVICE}, Cloud Run's and Knative's service name). A full queue drops spans rather than hold a request.
 */
public final class OtlpSpanExporter implements Tracing.SpanExporter {
    private static final Logger LOGGER = Logger.getLogger(OtlpSpanExporter.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int BATCH = 512;

    private final URI endpoint;
    private final Map<String, String> headers;
    private final String serviceName;
    private final BlockingQueue<Span> queue = new ArrayBlockingQueue<>(4096);
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private volatile HttpClient http;

    OtlpSpanExporter(URI endpoint, Map<String, String> headers, String serviceName) {
        this.endpoint = endpoint;
        this.headers = Map.copyOf(headers);
        this.serviceName = serviceName;
    }

    /**
     * @param env the process environment
     * @return an exporter, if the environment names a collector
     */
    public static Optional<OtlpSpanExporter> fromEnvironment(Map<String, String> env) {
        String traces = blankToNull(env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"));
        String base = blankToNull(env.get("OTEL_EXPORTER_OTLP_ENDPOINT"));
        if (traces == null && base == null) {
            return Optional.empty();
        }
        String url = traces != null ? traces : base.replaceAll("/+$", "") + "/v1/traces";
        Map<String, String> headers = new LinkedHashMap<>();
        String list = blankToNull(env.get("OTEL_EXPORTER_OTLP_HEADERS"));
        if (list != null) {
            for (String pair : list.split(",")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    headers.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            }
        }
        String name = Optional.ofNullable(blankToNull(env.get("OTEL_SERVICE_NAME")))
                .or(() -> Optional.ofNullable(blankToNull(env.get("K_SERVICE")))).orElse("unknown_service:java");
        return Optional.of(new OtlpSpanExporter(URI.create(url), headers, name));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

    @Override
    public void export(Span span) {
        if (!queue.offer(span)) {
            dropped.incrementAndGet();
        }
        if (started.compareAndSet(false, true)) {
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            Thread.ofVirtual().name("otlp-spans").start(this::run);
            Runtime.getRuntime().addShutdownHook(new Thread(this::drain, "otlp-spans-flush"));
        }
    }

    private void run() {
        List<Span> batch = new ArrayList<>(BATCH);
        while (true) {
            try {
                Span first = queue.poll(1, TimeUnit.SECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                // A short wait gathers the spans of one request into one post.
                Thread.sleep(200);
                queue.drainTo(batch, BATCH - 1);
                send(batch);
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void drain() {
        List<Span> rest = new ArrayList<>();
        queue.drainTo(rest);
        if (!rest.isEmpty()) {
            send(rest);
        }
    }

    private void send(List<Span> spans) {
        HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(encode(spans).toString()));
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                LOGGER.warning(() -> "the collector at " + endpoint + " refused " + spans.size() + " spans: "
                        + response.statusCode() + " " + response.body());
            }
        } catch (Exception e) {
            LOGGER.log(Level.WARNING, "spans could not be sent to " + endpoint + ": " + e.getMessage());
        }
        long lost = dropped.getAndSet(0);
        if (lost > 0) {
            LOGGER.warning(() -> lost + " spans were dropped: the export queue was full");
        }
    }

    /** @return the OTLP/JSON {@code ExportTraceServiceRequest} for these spans */
    ObjectNode encode(List<Span> spans) {
        ObjectNode root = MAPPER.createObjectNode();
        ObjectNode resourceSpans = root.putArray("resourceSpans").addObject();
        ArrayNode resource = resourceSpans.putObject("resource").putArray("attributes");
        attribute(resource, "service.name", serviceName);
        ObjectNode scope = resourceSpans.putArray("scopeSpans").addObject();
        scope.putObject("scope").put("name", "dev.eventconsumers");
        ArrayNode list = scope.putArray("spans");
        for (Span span : spans) {
            ObjectNode json = list.addObject();
            json.put("traceId", span.context().traceId());
            json.put("spanId", span.context().spanId());
            span.parentSpanId().ifPresent(parent -> json.put("parentSpanId", parent));
            json.put("name", span.name());
            json.put("kind", switch (span.kind()) {
                case INTERNAL -> 1;
                case SERVER -> 2;
                case CLIENT -> 3;
                case PRODUCER -> 4;
                case CONSUMER -> 5;
            });
            json.put("startTimeUnixNano", Long.toString(span.startEpochNanos()));
            json.put("endTimeUnixNano", Long.toString(span.endEpochNanos()));
            ArrayNode attributes = json.putArray("attributes");
            span.attributes().forEach((key, value) -> attribute(attributes, key, value));
            span.errorDescription().ifPresent(error -> json.putObject("status").put("code", 2).put("message", error));
        }
        return root;
    }

    private static void attribute(ArrayNode attributes, String key, Object value) {
        ObjectNode entry = attributes.addObject().put("key", key);
        ObjectNode any = entry.putObject("value");
        switch (value) {
            case Boolean b -> any.put("boolValue", b);
            case Integer i -> any.put("intValue", Long.toString(i));
            case Long l -> any.put("intValue", Long.toString(l));
            case Double d -> any.put("doubleValue", d);
            default -> any.put("stringValue", String.valueOf(value));
        }
    }
}
