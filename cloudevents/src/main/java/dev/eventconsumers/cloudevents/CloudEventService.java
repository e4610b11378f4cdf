package dev.eventconsumers.cloudevents;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventconsumers.problem.Problem;
import dev.eventconsumers.telemetry.ColdStart;
import dev.eventconsumers.telemetry.Meters;
import dev.eventconsumers.telemetry.Span;
import dev.eventconsumers.telemetry.Tracing;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.http.HttpMessageFactory;
import io.cloudevents.jackson.JsonFormat;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.logging.common.HelidonMdc;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Receives CloudEvents on {@code POST /} and dispatches them by {@code ce-type} to the handlers a service
 * registered, then answers with the status the delivering platform understands:
 * <table>
 *   <caption>outcome to response</caption>
 *   <tr><th>outcome</th><th>response</th></tr>
 *   <tr><td>{@link EventOutcome.Done}</td><td>204</td></tr>
 *   <tr><td>{@link EventOutcome.Reply}</td><td>200 with the reply event in binary mode</td></tr>
 *   <tr><td>invalid request or payload</td><td>400 problem+json</td></tr>
 *   <tr><td>{@link EventOutcome.Reject}</td><td>422 problem+json</td></tr>
 *   <tr><td>{@link EventOutcome.Retry}</td><td>503 problem+json with {@code Retry-After}</td></tr>
 *   <tr><td>handler threw</td><td>500 problem+json, no details</td></tr>
 * </table>
 * A batch ({@code application/cloudevents-batch+json}) is handled event by event; the response lists every event's
 * status and carries the most urgent one: 503 if any event should be retried, else 400/422 if any failed for good,
 * else 200. Redelivering a whole batch is safe because handlers are idempotent.
 * <p>
 * Each event is a consumer span, a child of the trace its {@code traceparent} extension names (CloudEvents' distributed
 * tracing) or else of the request's; a reply event carries the span on as its own {@code traceparent}. Each is counted
 * in {@code messaging.client.consumed.messages} and timed in {@code messaging.process.duration}, by
 * {@code cloudevents.event_type} (one of the registered types, else {@code other}) and {@code outcome} ({@code done},
 * {@code reply}, {@code reject}, {@code retry}, {@code invalid}, {@code error}); batch sizes go to
 * {@code cloudevents.batch.size}.
 */
public final class CloudEventService implements HttpService {
    private static final Logger LOGGER = Logger.getLogger(CloudEventService.class.getName());
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final Map<String, Registration<?>> registrations;
    private final Registration<?> otherwise;
    private final String path;
    private final int maxBatch;

    private CloudEventService(Builder builder) {
        this.registrations = Map.copyOf(builder.registrations);
        this.otherwise = builder.otherwise;
        // Listed at zero soon after start (off the start-up path), so dashboards and alerts find every series.
        Set<String> types = Set.copyOf(registrations.keySet());
        Meters.registerSoon(() -> {
            for (String type : types) {
                consumed(type, "done");
                processDuration(type, "done");
            }
            batchSizes();
        });
        this.path = builder.path;
        this.maxBatch = builder.maxBatch;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the event types this service registered handlers for, for manifests and tests to check against */
    public Set<String> acceptedTypes() {
        return registrations.keySet();
    }

    /** @return whether a handler takes every type not registered by name (a dead-letter sink) */
    public boolean acceptsAnyType() {
        return otherwise != null;
    }

    /** @return a decoder that keeps the data as it came, possibly empty */
    public static PayloadDecoder<byte[]> rawData() {
        return event -> event.getData() == null ? new byte[0] : event.getData().toBytes();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(path, this::handle);
    }

    private void handle(ServerRequest req, ServerResponse res) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (Header header : req.headers()) {
            // Helidon knows each name in lower case already; most headers have one value.
            List<String> values = header.valueCount() == 1 ? List.of(header.get()) : header.allValues(false);
            List<String> earlier = headers.putIfAbsent(header.headerName().lowerCase(), values);
            if (earlier != null) {
                List<String> all = new ArrayList<>(earlier);
                all.addAll(values);
                headers.put(header.headerName().lowerCase(), all);
            }
        }
        byte[] body = body(req);
        EventRequestReader.Incoming incoming;
        try {
            incoming = EventRequestReader.read(headers, body, maxBatch);
        } catch (InvalidEventException e) {
            LOGGER.warning(() -> "rejected request: " + e.getMessage());
            consumed("other", "invalid").increment();
            sendProblem(res, e.toProblem(), null);
            return;
        }
        switch (incoming) {
            case EventRequestReader.Single single -> respond(res, dispatch(single.event()));
            case EventRequestReader.Batch batch -> respondBatch(res, batch);
        }
    }

    /**
     * The body in one array of its declared length: reading "all bytes" instead buffers in 16 KiB chunks and copies,
     * which for a typical event of a few hundred bytes was a third of everything a request allocated.
     */
    private static byte[] body(ServerRequest req) {
        if (!req.content().hasEntity()) {
            return new byte[0];
        }
        long length = req.headers().contentLength().orElse(-1);
        if (length < 0 || length > Integer.MAX_VALUE - 8) {
            return req.content().as(byte[].class);
        }
        byte[] body = new byte[(int) length];
        try (InputStream in = req.content().inputStream()) {
            int read = in.readNBytes(body, 0, body.length);
            return read == body.length ? body : Arrays.copyOf(body, read);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The answer for one event, before it is written. */
    private record Answer(CloudEvent event, int status, EventOutcome outcome, Problem problem, long retryAfterSeconds) {
    }

    private Answer dispatch(CloudEvent event) {
        HelidonMdc.set("ce-id", event.getId());
        HelidonMdc.set("ce-type", event.getType());
        HelidonMdc.set("ce-source", event.getSource().toString());
        if (event.getSubject() != null) {
            HelidonMdc.set("ce-subject", event.getSubject());
        }
        long began = System.nanoTime();
        Registration<?> registration = registrations.getOrDefault(event.getType(), otherwise);
        Answer early = null;
        Object payload = null;
        if (registration == null) {
            early = unsupported(event);
        } else {
            try {
                payload = registration.decoder().decode(event);
            } catch (InvalidEventException e) {
                early = new Answer(event, 400, null, withEvent(e.toProblem(), event), 0);
            }
        }
        // The trace the event continues: its own traceparent extension, else the one its payload carries (a Pub/Sub
        // message's attribute, a Firestore document's field), else the request's.
        Object extension = event.getExtension("traceparent");
        String traceparent = extension != null ? extension.toString()
                : payload == null ? null : TraceCarriers.traceparent(payload).orElse(null);
        Span span = Tracing.join("process " + event.getType(), Span.Kind.CONSUMER, traceparent);
        span.attribute("cloudevents.event_id", event.getId()).attribute("cloudevents.event_type", event.getType())
                .attribute("cloudevents.event_source", event.getSource().toString())
                .attribute("cloudevents.event_subject", event.getSubject());
        try {
            Answer answer = early != null ? early : invoke(registration, event, payload);
            if (answer.problem() != null) {
                LOGGER.log(answer.status() >= 500 ? Level.WARNING : Level.INFO,
                           () -> answer.status() + " " + answer.problem().detail());
            } else if (answer.outcome() instanceof EventOutcome.Done done) {
                LOGGER.info(() -> answer.status() + " done" + (done.note().isEmpty() ? "" : ": " + done.note()));
            } else {
                LOGGER.info(() -> answer.status() + " replied with " + ((EventOutcome.Reply) answer.outcome()).event().getType());
            }
            String outcome = outcome(answer);
            span.attribute("outcome", outcome);
            if (answer.status() >= 500) {
                span.error(answer.problem() == null ? "HTTP " + answer.status() : answer.problem().detail());
            }
            String type = registrations.containsKey(event.getType()) ? event.getType() : "other";
            consumed(type, outcome).increment();
            processDuration(type, outcome).record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
            ColdStart.eventAnswered();
            return answer.outcome() instanceof EventOutcome.Reply reply && reply.event().getExtension("traceparent") == null
                    ? new Answer(answer.event(), answer.status(), EventOutcome.reply(CloudEventBuilder.v1(reply.event())
                            .withExtension("traceparent", span.context().traceparent()).build()), null, 0)
                    : answer;
        } finally {
            span.close();
            HelidonMdc.remove("ce-id");
            HelidonMdc.remove("ce-type");
            HelidonMdc.remove("ce-source");
            HelidonMdc.remove("ce-subject");
        }
    }

    private Answer unsupported(CloudEvent event) {
        Problem problem = Problem.of("unsupported-type", "Unsupported event type", 400,
                                     "this service does not accept events of type " + event.getType())
                .withErrors(List.of(new Problem.FieldError("type", "not one of " + registrations.keySet().stream()
                        .sorted().toList())))
                .with("acceptedTypes", registrations.keySet().stream().sorted().toList());
        return new Answer(event, 400, null, withEvent(problem, event), 0);
    }

    @SuppressWarnings("unchecked")
    private static <T> Answer invoke(Registration<T> registration, CloudEvent event, Object payload) {
        EventOutcome outcome;
        try {
            outcome = registration.handler().handle(new TypedEvent<>(event, (T) payload));
        } catch (InvalidEventException e) {
            return new Answer(event, 400, null, withEvent(e.toProblem(), event), 0);
        } catch (Exception e) {
            LOGGER.log(Level.SEVERE, "handler failed on event " + event.getId(), e);
            Problem problem = Problem.of("handler-failed", "Internal Server Error", 500,
                                         "the handler failed unexpectedly; the error is logged");
            return new Answer(event, 500, null, withEvent(problem, event), 0);
        }
        Objects.requireNonNull(outcome, "handler returned no outcome");
        return switch (outcome) {
            case EventOutcome.Done done -> new Answer(event, 204, done, null, 0);
            case EventOutcome.Reply reply -> new Answer(event, 200, reply, null, 0);
            case EventOutcome.Reject reject -> new Answer(event, 422, reject, withEvent(
                    Problem.of("event-rejected", "Event rejected", 422, reject.reason()).withErrors(reject.errors()),
                    event), 0);
            case EventOutcome.Retry retry -> {
                long seconds = Math.max(1, (retry.after().toMillis() + 999) / 1000);
                yield new Answer(event, 503, retry, withEvent(
                        Problem.of("retry-later", "Service Unavailable", 503, retry.reason()), event), seconds);
            }
        };
    }

    private static String outcome(Answer answer) {
        if (answer.outcome() == null) {
            return answer.status() >= 500 ? "error" : "invalid";
        }
        return switch (answer.outcome()) {
            case EventOutcome.Done done -> "done";
            case EventOutcome.Reply reply -> "reply";
            case EventOutcome.Reject reject -> "reject";
            case EventOutcome.Retry retry -> "retry";
        };
    }

    /** By type and outcome: both are bounded (registered types and "other"; six outcomes). */
    private static io.helidon.metrics.api.Counter consumed(String type, String outcome) {
        return Meters.counter("messaging.client.consumed.messages", "CloudEvents handled, by type and outcome",
                              "cloudevents.event_type", type, "outcome", outcome);
    }

    private static io.helidon.metrics.api.Timer processDuration(String type, String outcome) {
        return Meters.timer("messaging.process.duration", "time to handle one CloudEvent, by type and outcome",
                            "cloudevents.event_type", type, "outcome", outcome);
    }

    private static io.helidon.metrics.api.DistributionSummary batchSizes() {
        return Meters.distribution("cloudevents.batch.size", "events per batch request", "events",
                                   new double[] {1, 2, 5, 10, 25, 50, 100, 250, 1000});
    }

    private static Problem withEvent(Problem problem, CloudEvent event) {
        return problem.with("eventId", event.getId()).with("eventType", event.getType());
    }

    private static void respond(ServerResponse res, Answer answer) {
        if (answer.problem() != null) {
            sendProblem(res, answer.problem(), answer.retryAfterSeconds() > 0 ? answer.retryAfterSeconds() : null);
        } else if (answer.outcome() instanceof EventOutcome.Reply reply) {
            res.status(200);
            HttpMessageFactory.createWriter(res::header, res::send).writeBinary(reply.event());
        } else {
            res.status(answer.status()).send();
        }
    }

    private void respondBatch(ServerResponse res, EventRequestReader.Batch batch) {
        batchSizes().record(batch.items().size());
        ArrayNode results = MAPPER.createArrayNode();
        int failed = 0;
        int worst = 200;
        long retryAfter = 0;
        for (EventRequestReader.BatchItem item : batch.items()) {
            ObjectNode result = results.addObject().put("index", item.index());
            Answer answer;
            if (item.invalid().isPresent()) {
                Problem problem = item.invalid().get().toProblem();
                answer = new Answer(null, 400, null, problem, 0);
            } else {
                CloudEvent event = item.event().orElseThrow();
                result.put("id", event.getId()).put("type", event.getType());
                answer = dispatch(event);
            }
            result.put("status", answer.status());
            if (answer.problem() != null) {
                failed++;
                result.set("problem", answer.problem().toJsonNode());
                worst = moreUrgent(worst, answer.status());
                retryAfter = Math.max(retryAfter, answer.retryAfterSeconds());
            } else if (answer.outcome() instanceof EventOutcome.Reply reply) {
                result.set("reply", structured(reply.event()));
            }
        }
        if (failed == 0) {
            ObjectNode body = MAPPER.createObjectNode().put("processed", results.size()).put("failed", 0);
            body.set("results", results);
            res.status(200).header(HeaderNames.CONTENT_TYPE, "application/json").send(body.toString());
            return;
        }
        Problem problem = Problem.of("batch-failed", "Some events of the batch failed", worst,
                                     failed + " of " + results.size() + " events failed; see results")
                .with("processed", results.size()).with("failed", failed).with("results", results);
        sendProblem(res, problem, worst == 503 ? Long.valueOf(retryAfter) : null);
    }

    /** Retry beats everything (the batch comes back), then a handler rejection, then an invalid event. */
    private static int moreUrgent(int current, int candidate) {
        int rank = rank(candidate);
        return rank > rank(current) ? (candidate >= 500 ? 503 : candidate) : current;
    }

    private static int rank(int status) {
        if (status >= 500) {
            return 3;
        }
        if (status == 422) {
            return 2;
        }
        return status >= 400 ? 1 : 0;
    }

    private static ObjectNode structured(CloudEvent event) {
        try {
            byte[] json = EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).serialize(event);
            return (ObjectNode) MAPPER.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sendProblem(ServerResponse res, Problem problem, Long retryAfterSeconds) {
        res.status(problem.status());
        res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
        if (retryAfterSeconds != null) {
            res.header(HeaderNames.RETRY_AFTER, Long.toString(retryAfterSeconds));
        }
        res.send(problem.toJson());
    }

    /** A handler with its decoder. */
    private record Registration<T>(PayloadDecoder<T> decoder, EventHandler<T> handler) {
    }

    /** Registers handlers by event type. */
    public static final class Builder {
        private final Map<String, Registration<?>> registrations = new LinkedHashMap<>();
        private Registration<?> otherwise;
        private String path = "/";
        private int maxBatch = EventRequestReader.DEFAULT_MAX_BATCH;

        private Builder() {
        }

        /**
         * @param type    exact {@code ce-type}
         * @param decoder payload decoder, e.g. {@link GooglePayloads#storageObject()}
         * @param handler the business code
         * @param <T>     payload type
         * @return this builder
         */
        public <T> Builder on(String type, PayloadDecoder<T> decoder, EventHandler<T> handler) {
            Objects.requireNonNull(type, "type");
            if (registrations.putIfAbsent(type, new Registration<>(decoder, handler)) != null) {
                throw new IllegalArgumentException("a handler for " + type + " is registered already");
            }
            return this;
        }

        /**
         * @param types   several {@code ce-type}s handled alike, e.g. {@link EventTypes#firestoreDocumentTypes()}
         * @param decoder payload decoder
         * @param handler the business code
         * @param <T>     payload type
         * @return this builder
         */
        public <T> Builder on(List<String> types, PayloadDecoder<T> decoder, EventHandler<T> handler) {
            types.forEach(type -> on(type, decoder, handler));
            return this;
        }

        /**
         * Handles every event whose type has no handler of its own, instead of rejecting it.
         *
         * @param decoder payload decoder, e.g. {@link CloudEventService#rawData()}
         * @param handler the business code
         * @param <T>     payload type
         * @return this builder
         */
        public <T> Builder otherwise(PayloadDecoder<T> decoder, EventHandler<T> handler) {
            this.otherwise = new Registration<>(decoder, handler);
            return this;
        }

        /**
         * @param path where events are posted (default {@code /}, where Eventarc and Knative deliver)
         * @return this builder
         */
        public Builder path(String path) {
            this.path = Objects.requireNonNull(path, "path");
            return this;
        }

        /**
         * @param events the most events one batch request may hold (default 100); a larger batch is answered 413
         * @return this builder
         */
        public Builder maxBatch(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("a batch must be allowed at least one event, not " + events);
            }
            this.maxBatch = events;
            return this;
        }

        /** @return the service */
        public CloudEventService build() {
            if (registrations.isEmpty() && otherwise == null) {
                throw new IllegalStateException("register at least one event type");
            }
            return new CloudEventService(this);
        }
    }
}
