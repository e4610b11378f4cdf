package dev.eventconsumers.runtime;

import io.helidon.http.HeaderNames;
import io.helidon.logging.common.HelidonMdc;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Puts the request's trace (from {@code traceparent} or {@code X-Cloud-Trace-Context}) into the log context
 * for as long as the request is handled, and clears every per-request log field afterwards.
 */
public final class RequestLogContext implements Filter {
    private static final io.helidon.http.HeaderName TRACEPARENT = HeaderNames.create("traceparent");
    private static final io.helidon.http.HeaderName CLOUD_TRACE = HeaderNames.create("X-Cloud-Trace-Context");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        TraceContext.from(req.headers().first(TRACEPARENT).orElse(null),
                          req.headers().first(CLOUD_TRACE).orElse(null))
                .ifPresent(trace -> {
                    HelidonMdc.set(LogFields.TRACE_ID, trace.traceId());
                    HelidonMdc.set(LogFields.SPAN_ID, trace.spanId());
                    HelidonMdc.set(LogFields.TRACE_SAMPLED, Boolean.toString(trace.sampled()));
                });
        try {
            chain.proceed();
        } finally {
            HelidonMdc.remove(LogFields.TRACE_ID);
            HelidonMdc.remove(LogFields.SPAN_ID);
            HelidonMdc.remove(LogFields.TRACE_SAMPLED);
            LogFields.LABELS.forEach(HelidonMdc::remove);
        }
    }
}
