package dev.eventconsumers.telemetry;

import io.helidon.logging.common.HelidonMdc;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * One timed piece of work in a trace: a request, an event's handling, a backend call. While it is open it is the
 * current span of its thread ({@link Tracing#current()}) and its ids are in the log context, so every log line written
 * meanwhile carries them; {@link #close()} ends it, hands it to the exporter (when one is configured) and restores
 * whatever was current before.
 */
public final class Span implements AutoCloseable {
    /** What a span stands for, as OpenTelemetry names it. */
    public enum Kind {
        SERVER, CLIENT, PRODUCER, CONSUMER, INTERNAL
    }

    private final TraceContext context;
    private final Optional<String> parentSpanId;
    private final String name;
    private final Kind kind;
    private final long startEpochNanos;
    private final long startNanos;
    /** Kept only while spans are exported: attributes are for the collector, not the logs. */
    private final Map<String, Object> attributes;
    private final Span previous;
    private volatile String error;
    private volatile long endEpochNanos;
    private boolean closed;

    Span(TraceContext context, Optional<String> parentSpanId, String name, Kind kind, Span previous) {
        this.context = context;
        this.parentSpanId = parentSpanId;
        this.name = name;
        this.kind = kind;
        this.previous = previous;
        this.startNanos = System.nanoTime();
        boolean exporting = Tracing.exporting();
        this.startEpochNanos = exporting ? Tracing.epochNanos() : 0;
        this.attributes = exporting ? new LinkedHashMap<>() : null;
    }

    /** @return its trace position: the trace id, its own span id, sampling */
    public TraceContext context() {
        return context;
    }

    /** @return the span it runs below, if any in this trace */
    public Optional<String> parentSpanId() {
        return parentSpanId;
    }

    /** @return e.g. {@code POST}, {@code process google.cloud.storage.object.v1.finalized} */
    public String name() {
        return name;
    }

    /** @return server, consumer, client... */
    public Kind kind() {
        return kind;
    }

    /**
     * @param key   an OpenTelemetry attribute name, e.g. {@code cloudevents.event_type}
     * @param value a string, number or boolean
     * @return this span
     */
    public Span attribute(String key, Object value) {
        if (value != null && attributes != null) {
            synchronized (attributes) {
                attributes.put(key, value);
            }
        }
        return this;
    }

    /** @return the attributes so far */
    public Map<String, Object> attributes() {
        if (attributes == null) {
            return Map.of();
        }
        synchronized (attributes) {
            return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(attributes));
        }
    }

    /** @param description why the work failed (the span's status becomes an error) */
    public void error(String description) {
        this.error = description == null ? "error" : description;
    }

    /** @return the error description, if the work failed */
    public Optional<String> errorDescription() {
        return Optional.ofNullable(error);
    }

    /** @return when it began, in nanoseconds since the epoch */
    public long startEpochNanos() {
        return startEpochNanos;
    }

    /** @return when it ended, in nanoseconds since the epoch (0 while open) */
    public long endEpochNanos() {
        return endEpochNanos;
    }

    void enter() {
        HelidonMdc.set(TraceFields.TRACE_ID, context.traceId());
        HelidonMdc.set(TraceFields.SPAN_ID, context.spanId());
        HelidonMdc.set(TraceFields.TRACE_SAMPLED, Boolean.toString(context.sampled()));
    }

    /** Ends the span, exports it if an exporter is configured, and makes the previous span current again. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        endEpochNanos = startEpochNanos + (System.nanoTime() - startNanos);
        Tracing.ended(this, previous);
    }

    Span previous() {
        return previous;
    }
}
