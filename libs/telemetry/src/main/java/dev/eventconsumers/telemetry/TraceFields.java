package dev.eventconsumers.telemetry;

/** The log-context (Helidon MDC) keys that carry the current span, which log formatters write with every line. */
public final class TraceFields {
    public static final String TRACE_ID = "trace-id";
    public static final String SPAN_ID = "span-id";
    public static final String TRACE_SAMPLED = "trace-sampled";

    private TraceFields() {
    }
}
