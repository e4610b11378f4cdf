package dev.eventconsumers.auth;

import dev.eventconsumers.problem.Problem;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.List;
import java.util.Optional;

/**
 * Requires a verified bearer token on the paths below the given prefixes and puts the {@link Caller} into the
 * request's context; everything else (health, metrics, events) passes. A missing or rejected token is a 401
 * problem with {@code WWW-Authenticate: Bearer}; while the issuer's keys cannot be fetched, a 503 with
 * {@code Retry-After}.
 */
public final class BearerAuthFilter implements Filter {
    private final TokenVerifier verifier;
    private final List<String> prefixes;
    private final List<String> open;
    private final boolean adminOnly;

    /**
     * @param verifier checks the tokens
     * @param prefixes path prefixes that need a token, e.g. {@code /orders}
     */
    public BearerAuthFilter(TokenVerifier verifier, List<String> prefixes) {
        this(verifier, prefixes, List.of(), false);
    }

    private BearerAuthFilter(TokenVerifier verifier, List<String> prefixes, List<String> open, boolean adminOnly) {
        this.verifier = verifier;
        this.prefixes = List.copyOf(prefixes);
        this.open = List.copyOf(open);
        this.adminOnly = adminOnly;
    }

    /**
     * A filter that lets only callers with the admin role below {@code prefix}, except below the {@code open} prefixes:
     * a public service's {@code /observe} (metrics, config) for admins, its health probes for anyone.
     *
     * @param verifier checks the tokens
     * @param prefix   e.g. {@code /observe}
     * @param open     prefixes below it that need no token, e.g. {@code /observe/health}
     * @return the filter (401 without a valid token, 403 without the admin role)
     */
    public static BearerAuthFilter adminsOnly(TokenVerifier verifier, String prefix, List<String> open) {
        return new BearerAuthFilter(verifier, List.of(prefix), open, true);
    }

    /**
     * @param request a request that passed this filter
     * @return its caller, if the path needed one
     */
    public static Optional<Caller> caller(io.helidon.webserver.http.ServerRequest request) {
        return request.context().get(Caller.class, Caller.class);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (prefixes.stream().noneMatch(p -> below(path, p)) || open.stream().anyMatch(p -> below(path, p))
                || "OPTIONS".equals(req.prologue().method().text())) {
            chain.proceed();
            return;
        }
        Optional<String> header = req.headers().first(HeaderNames.AUTHORIZATION);
        if (header.isEmpty() || !header.get().regionMatches(true, 0, "Bearer ", 0, 7)) {
            unauthorized(res, "the request has no Authorization: Bearer token", null);
            return;
        }
        try {
            Caller caller = verifier.verify(header.get().substring(7).trim());
            if (adminOnly && !caller.admin()) {
                Problem problem = Problem.of("forbidden", "Forbidden", 403, "only callers with the admin role may read "
                        + path);
                res.status(403);
                res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
                res.send(problem.toJson());
                return;
            }
            req.context().register(Caller.class, caller);
            chain.proceed();
        } catch (TokenRejectedException e) {
            unauthorized(res, "the bearer token was rejected: " + e.getMessage(), "invalid_token");
        } catch (KeysUnavailableException e) {
            Problem problem = Problem.of("keys-unavailable", "Service Unavailable", 503,
                                         "the token cannot be verified now: the issuer's keys cannot be fetched; "
                                                 + "try again");
            res.status(503);
            res.header(HeaderNames.RETRY_AFTER, "5");
            res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
            res.send(problem.toJson());
        }
    }

    private static boolean below(String path, String prefix) {
        return path.equals(prefix) || path.startsWith(prefix + "/");
    }

    private static void unauthorized(RoutingResponse res, String detail, String error) {
        Problem problem = Problem.of("unauthorized", "Unauthorized", 401, detail);
        res.status(401);
        res.header(HeaderNames.WWW_AUTHENTICATE, error == null ? "Bearer" : "Bearer error=\"" + error + "\"");
        res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
        res.send(problem.toJson());
    }
}
