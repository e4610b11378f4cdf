package dev.eventconsumers.runtime;

import dev.eventconsumers.telemetry.Meters;
import dev.eventconsumers.telemetry.Span;
import dev.eventconsumers.telemetry.TraceContext;
import dev.eventconsumers.telemetry.Tracing;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.logging.common.HelidonMdc;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.concurrent.TimeUnit;

/**
 * Every request is a server span: a child of the caller's {@code traceparent} (or {@code X-Cloud-Trace-Context}),
 * else the first span of a new trace, so its log lines carry a trace id whoever called. It is timed in
 * {@code http.server.request.duration} by method and status (never by path: paths hold order ids), and every
 * per-request log field is cleared afterwards.
 */
public final class RequestTelemetry implements Filter {
    private static final HeaderName TRACEPARENT = HeaderNames.create("traceparent");
    private static final HeaderName CLOUD_TRACE = HeaderNames.create("X-Cloud-Trace-Context");

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String method = req.prologue().method().text();
        long began = System.nanoTime();
        Span span = Tracing.start(method, Span.Kind.SERVER, TraceContext.from(req.headers().first(TRACEPARENT).orElse(null),
                                                                        req.headers().first(CLOUD_TRACE).orElse(null)));
        if (Tracing.exporting()) {
            span.attribute("http.request.method", method).attribute("url.path", req.path().path());
        }
        try {
            chain.proceed();
        } finally {
            int status = res.status().code();
            span.attribute("http.response.status_code", status);
            if (status >= 500) {
                span.error("HTTP " + status);
            }
            span.close();
            Meters.timer("http.server.request.duration", "time to answer an HTTP request", "http.request.method", method,
                         "http.response.status_code", Integer.toString(status))
                    .record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
            LogFields.LABELS.forEach(HelidonMdc::remove);
        }
    }
}
