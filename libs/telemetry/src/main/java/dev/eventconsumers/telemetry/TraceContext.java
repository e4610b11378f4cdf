package dev.eventconsumers.telemetry;

import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A position in a trace: the trace a request belongs to and the span that is running, read from W3C
 * {@code traceparent} or Google's {@code X-Cloud-Trace-Context}, made anew for a request that brings none, and written
 * as {@code traceparent} wherever work goes on (Pub/Sub attributes, Firestore documents, reply events).
 *
 * @param traceId 32 lowercase hex digits
 * @param spanId  16 lowercase hex digits
 * @param sampled whether the caller sampled this trace
 */
public record TraceContext(String traceId, String spanId, boolean sampled) {

    private static final Pattern TRACEPARENT =
            Pattern.compile("^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$");
    // TRACE_ID/SPAN_ID;o=OPTIONS where SPAN_ID is a decimal unsigned 64-bit number.
    private static final Pattern CLOUD_TRACE =
            Pattern.compile("^([0-9a-fA-F]{32})(?:/([0-9]{1,20}))?(?:;o=([01]))?$");
    private static final String ZERO_TRACE = "0".repeat(32);
    private static final String ZERO_SPAN = "0".repeat(16);

    /** @return a new trace: random trace and span ids, sampled */
    public static TraceContext newRoot() {
        return new TraceContext(randomHex(16, ZERO_TRACE), randomHex(8, ZERO_SPAN), true);
    }

    /** @return a span of this trace below this one: the same trace id and sampling, a new span id */
    public TraceContext child() {
        return new TraceContext(traceId, randomHex(8, ZERO_SPAN), sampled);
    }

    /** @return this position as a W3C {@code traceparent} value (version 00) */
    public String traceparent() {
        return "00-" + traceId + "-" + spanId + "-" + (sampled ? "01" : "00");
    }

    private static String randomHex(int bytes, String zero) {
        byte[] id = new byte[bytes];
        String hex;
        do {
            ThreadLocalRandom.current().nextBytes(id);
            hex = HexFormat.of().formatHex(id);
        } while (hex.equals(zero));
        return hex;
    }

    /**
     * @param traceparent W3C trace context header value, or null
     * @return the context, if the header is well formed (version ff and all-zero ids are invalid)
     */
    public static Optional<TraceContext> fromTraceparent(String traceparent) {
        if (traceparent == null) {
            return Optional.empty();
        }
        Matcher m = TRACEPARENT.matcher(traceparent.trim());
        if (!m.matches() || m.group(1).equals("ff") || m.group(2).equals(ZERO_TRACE) || m.group(3).equals(ZERO_SPAN)) {
            return Optional.empty();
        }
        boolean sampled = (HexFormat.fromHexDigits(m.group(4)) & 1) == 1;
        return Optional.of(new TraceContext(m.group(2), m.group(3), sampled));
    }

    /**
     * @param header {@code X-Cloud-Trace-Context} value, or null
     * @return the context, if the header is well formed; the decimal span id becomes 16 hex digits
     */
    public static Optional<TraceContext> fromCloudTraceContext(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher m = CLOUD_TRACE.matcher(header.trim());
        if (!m.matches()) {
            return Optional.empty();
        }
        String span = ZERO_SPAN;
        if (m.group(2) != null) {
            try {
                span = HexFormat.of().toHexDigits(Long.parseUnsignedLong(m.group(2)));
            } catch (NumberFormatException tooLarge) {
                return Optional.empty();
            }
        }
        return Optional.of(new TraceContext(m.group(1).toLowerCase(), span, "1".equals(m.group(3))));
    }

    /**
     * {@code traceparent} wins over {@code X-Cloud-Trace-Context} when both are valid, as on Cloud Run today.
     *
     * @param traceparent      W3C header value or null
     * @param cloudTraceContext Google header value or null
     * @return the first valid context
     */
    public static Optional<TraceContext> from(String traceparent, String cloudTraceContext) {
        return fromTraceparent(traceparent).or(() -> fromCloudTraceContext(cloudTraceContext));
    }

    /**
     * @param projectId Google Cloud project id
     * @return the value Cloud Logging expects in {@code logging.googleapis.com/trace}
     */
    public String resourceName(String projectId) {
        return resourceName(projectId, traceId);
    }

    /**
     * @param projectId Google Cloud project id
     * @param traceId   32 hex digits
     * @return {@code projects/{projectId}/traces/{traceId}}
     */
    public static String resourceName(String projectId, String traceId) {
        return "projects/" + projectId + "/traces/" + traceId;
    }
}
