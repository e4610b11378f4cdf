package dev.eventconsumers.runtime;

import java.util.List;

/**
 * Names of the per-request values (held in Helidon's MDC) that log lines carry. The CloudEvents binding sets
 * the {@code ce-*} ones while it handles an event; {@link RequestLogContext} sets the trace ones.
 */
public final class LogFields {
    public static final String TRACE_ID = "trace-id";
    public static final String SPAN_ID = "span-id";
    public static final String TRACE_SAMPLED = "trace-sampled";
    public static final String CE_ID = "ce-id";
    public static final String CE_TYPE = "ce-type";
    public static final String CE_SOURCE = "ce-source";
    public static final String CE_SUBJECT = "ce-subject";

    /** The values written as Cloud Logging labels, in this order. */
    public static final List<String> LABELS = List.of(CE_ID, CE_TYPE, CE_SOURCE, CE_SUBJECT);

    private LogFields() {
    }
}
