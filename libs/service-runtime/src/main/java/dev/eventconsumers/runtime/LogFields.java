package dev.eventconsumers.runtime;

import dev.eventconsumers.telemetry.TraceFields;

import java.util.List;

/**
 * Names of the per-request values (held in Helidon's MDC) that log lines carry. The CloudEvents binding sets
 * the {@code ce-*} ones while it handles an event; the current span (telemetry's {@code Tracing}) sets the trace
 * ones.
 */
public final class LogFields {
    public static final String TRACE_ID = TraceFields.TRACE_ID;
    public static final String SPAN_ID = TraceFields.SPAN_ID;
    public static final String TRACE_SAMPLED = TraceFields.TRACE_SAMPLED;
    public static final String CE_ID = "ce-id";
    public static final String CE_TYPE = "ce-type";
    public static final String CE_SOURCE = "ce-source";
    public static final String CE_SUBJECT = "ce-subject";

    /** The values written as Cloud Logging labels, in this order. */
    public static final List<String> LABELS = List.of(CE_ID, CE_TYPE, CE_SOURCE, CE_SUBJECT);

    private LogFields() {
    }
}
