package dev.eventconsumers.telemetry;

import io.helidon.logging.common.HelidonMdc;

import java.time.Instant;
import java.util.Optional;

/**
 * The current span of each thread (a request, an event, a backend call) and how a new one finds its parent: an explicit
 * trace position (a {@code traceparent} a message, a document or a header carried), else the thread's current span,
 * else a new trace. Spans are exported only when {@code OTEL_EXPORTER_OTLP_ENDPOINT} (or
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}) is set ({@link OtlpSpanExporter}); otherwise a span costs two random ids
 * and a few log-context entries, so trace ids still travel and reach every log line.
 */
public final class Tracing {
    private static final ThreadLocal<Span> CURRENT = new ThreadLocal<>();
    private static volatile SpanExporter exporter = OtlpSpanExporter.fromEnvironment(System.getenv())
            .map(SpanExporter.class::cast).orElse(SpanExporter.NONE);
    /** Whether ended spans go anywhere: when not, spans keep neither attributes nor wall-clock times. */
    private static volatile boolean exporting = exporter != SpanExporter.NONE;

    private Tracing() {
    }

    /** Receives every sampled span when it ends. */
    public interface SpanExporter {
        /** Exports nothing. */
        SpanExporter NONE = span -> {
        };

        /** @param span an ended span */
        void export(Span span);
    }

    /** @return the thread's current span */
    public static Optional<Span> current() {
        return Optional.ofNullable(CURRENT.get());
    }

    /** @return the current span's position as a {@code traceparent} value, to carry along with work handed on */
    public static Optional<String> traceparent() {
        return current().map(span -> span.context().traceparent());
    }

    /**
     * @param name what the span does
     * @param kind server, consumer, client...
     * @return a span below the current one (or the first of a new trace), now current
     */
    public static Span start(String name, Span.Kind kind) {
        return start(name, kind, Optional.empty());
    }

    /**
     * @param name   what the span does
     * @param kind   server, consumer, client...
     * @param parent where the work came from, if it said (else the current span, else a new trace)
     * @return the span, now current
     */
    public static Span start(String name, Span.Kind kind, Optional<TraceContext> parent) {
        Span previous = CURRENT.get();
        Optional<TraceContext> above = parent.or(() -> Optional.ofNullable(previous).map(Span::context));
        TraceContext context = above.map(TraceContext::child).orElseGet(TraceContext::newRoot);
        Span span = new Span(context, above.map(TraceContext::spanId), name, kind, previous);
        CURRENT.set(span);
        span.enter();
        return span;
    }

    /**
     * @param name        what the span does
     * @param kind        consumer, server...
     * @param traceparent a {@code traceparent} value the work carried, or null (an invalid one is ignored)
     * @return the span, joined to that trace when the value is valid
     */
    public static Span join(String name, Span.Kind kind, String traceparent) {
        return start(name, kind, TraceContext.fromTraceparent(traceparent));
    }

    /**
     * Runs a backend call as a client span (an error span when it throws).
     *
     * @param name   e.g. {@code firestore get}
     * @param system the backend, as OpenTelemetry's {@code db.system.name} / {@code messaging.system} would say
     * @param call   the call
     * @param <T>    what it returns
     * @return what the call returned
     */
    public static <T> T client(String name, String system, java.util.function.Supplier<T> call) {
        try (Span span = start(name, Span.Kind.CLIENT)) {
            span.attribute("peer.service", system);
            try {
                return call.get();
            } catch (RuntimeException | Error e) {
                span.error(e.getClass().getSimpleName() + ": " + e.getMessage());
                throw e;
            }
        }
    }

    /**
     * @param name   e.g. {@code firestore commit}
     * @param system the backend
     * @param call   a call that returns nothing
     */
    public static void client(String name, String system, Runnable call) {
        client(name, system, () -> {
            call.run();
            return null;
        });
    }

    static void ended(Span span, Span previous) {
        if (CURRENT.get() == span) {
            if (previous == null) {
                CURRENT.remove();
                HelidonMdc.remove(TraceFields.TRACE_ID);
                HelidonMdc.remove(TraceFields.SPAN_ID);
                HelidonMdc.remove(TraceFields.TRACE_SAMPLED);
            } else {
                CURRENT.set(previous);
                previous.enter();
            }
        }
        if (exporting && span.context().sampled()) {
            exporter.export(span);
        }
    }

    /**
     * Replaces the exporter (tests; a process that configures export in code).
     *
     * @param replacement receives every sampled span from now on
     */
    public static void exporter(SpanExporter replacement) {
        exporter = replacement;
        exporting = replacement != SpanExporter.NONE;
    }

    /** @return whether spans are exported (else their attributes are not even kept) */
    public static boolean exporting() {
        return exporting;
    }

    static long epochNanos() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }
}
