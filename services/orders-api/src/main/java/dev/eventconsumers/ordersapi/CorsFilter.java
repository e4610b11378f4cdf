package dev.eventconsumers.ordersapi;

import dev.eventconsumers.problem.Problem;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.List;
import java.util.Optional;

/**
 * CORS for the API paths, as the reference's HTTP function answered browsers: preflights ({@code OPTIONS} with
 * {@code Access-Control-Request-Method}) are answered here, before authentication, and every response to an allowed
 * origin names it. Origins come from {@code cors.allowed-origins} ({@code *} for any, the reference's setting).
 */
final class CorsFilter implements Filter {
    static final String METHODS = "GET, POST, PATCH, DELETE, OPTIONS";
    static final String HEADERS = "Authorization, Content-Type, Idempotency-Key, If-Match";
    static final String EXPOSED = "ETag, Location, Idempotent-Replayed";
    private static final HeaderName REQUEST_METHOD = HeaderNames.create("Access-Control-Request-Method");

    private final List<String> allowedOrigins;
    private final List<String> prefixes;

    /**
     * @param allowedOrigins origins allowed, or {@code *}
     * @param prefixes       paths it applies to
     */
    CorsFilter(List<String> allowedOrigins, List<String> prefixes) {
        this.allowedOrigins = List.copyOf(allowedOrigins);
        this.prefixes = List.copyOf(prefixes);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty() || prefixes.stream().noneMatch(p -> path.equals(p) || path.startsWith(p + "/"))) {
            chain.proceed();
            return;
        }
        boolean allowed = allowedOrigins.contains("*") || allowedOrigins.contains(origin.get());
        boolean preflight = "OPTIONS".equals(req.prologue().method().text()) && req.headers().contains(REQUEST_METHOD);
        if (!allowed) {
            if (preflight) {
                Problem problem = Problem.of("origin-not-allowed", "Forbidden", 403,
                                             "origin " + origin.get() + " is not in cors.allowed-origins");
                res.status(403).header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE).send(problem.toJson());
            } else {
                chain.proceed();
            }
            return;
        }
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, allowedOrigins.contains("*") ? "*" : origin.get());
        res.header(HeaderNames.VARY, "Origin");
        if (preflight) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, METHODS);
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, HEADERS);
            res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, "3600");
            res.status(204).send();
            return;
        }
        res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED);
        chain.proceed();
    }
}
