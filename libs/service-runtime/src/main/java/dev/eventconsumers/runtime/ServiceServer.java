package dev.eventconsumers.runtime;

import dev.eventconsumers.problem.Problem;
import dev.eventconsumers.telemetry.ColdStart;
import io.helidon.config.Config;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpException;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.service.registry.Services;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The server settings every service shares on Cloud Run and Knative, applied before the service's own
 * {@code server} config so that config can still change each of them:
 * <ul>
 *   <li>port from {@code server.port}, else the {@code PORT} environment variable Cloud Run and Knative set, else 8080;</li>
 *   <li>a request body cap ({@code server.max-payload-size}, Helidon's default is unlimited);</li>
 *   <li>a shutdown grace period ({@code server.shutdown-grace-period}) that lets in-flight requests finish inside
 *       Cloud Run's 10 s between SIGTERM and SIGKILL (Helidon's default is 0.5 s);</li>
 *   <li>errors the server answers by itself (body too large, bad request) and uncaught exceptions become
 *       {@code application/problem+json} without stack traces;</li>
 *   <li>every request is a span of its caller's trace (or a new one) whose ids go into the log context, and is timed
 *       ({@link RequestTelemetry});</li>
 *   <li>the request bodies held at once are bounded ({@link BodyBudget}).</li>
 * </ul>
 * Health and metrics are served under {@code /observe} by Helidon's observe feature, found on the class path.
 */
public final class ServiceServer {
    /** Body cap unless configured: a 10 MB Pub/Sub message is about 13.4 MB once base64-encoded in a push. */
    public static final long DEFAULT_MAX_PAYLOAD_BYTES = 16L * 1024 * 1024;
    /** Shutdown grace unless configured: leaves 2 s of Cloud Run's 10 s for the JVM to exit. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(8);

    private static final Logger LOGGER = Logger.getLogger(ServiceServer.class.getName());

    private ServiceServer() {
    }

    /**
     * The service's config: {@code application.yaml}, then system properties and the environment (Helidon's default
     * sources), made the service registry's too. Helidon's own features (the metrics factory, observe) read their
     * config from the registry, which would otherwise build a second one from the same sources during start-up. Call
     * it first in {@code main}, before anything uses the registry.
     *
     * @return the root config
     */
    public static Config loadConfig() {
        Config config = Config.create();
        Services.set(Config.class, config);
        return config;
    }

    /**
     * Builds and starts the server for a service's composition root (or, as a lambda, any routes: a test's stand-in
     * for a backend, say).
     *
     * @param config  the root config (its {@code server} node configures the listener)
     * @param service the service
     * @return the started server
     */
    public static WebServer start(Config config, ServiceRoot service) {
        WebServerConfig.Builder builder = WebServer.builder();
        configure(builder, config);
        long maxBody = builder.maxPayloadSize();
        builder.routing(routing -> {
            routing(routing, BodyBudget.fromConfig(config, maxBody));
            service.routing(routing);
        });
        ColdStart.register();
        WebServer server = builder.build().start();
        LOGGER.info(() -> "listening on port " + server.port());
        // On SIGTERM: in-flight requests finish (the grace period), then the service releases what it holds (flushes
        // queued writes, closes clients).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.stop();
            service.close();
        }, "service-shutdown"));
        return server;
    }

    /**
     * Applies the shared defaults, then the {@code server} config, then {@code PORT}.
     *
     * @param builder server builder (also the one {@code @SetUpServer} hands to tests)
     * @param config  the root config
     */
    public static void configure(WebServerConfig.Builder builder, Config config) {
        builder.maxPayloadSize(DEFAULT_MAX_PAYLOAD_BYTES)
                .shutdownGracePeriod(DEFAULT_SHUTDOWN_GRACE)
                .directHandlers(problemDirectHandlers());
        Config server = config.get("server");
        builder.config(server);
        if (!server.get("port").exists()) {
            String port = System.getenv("PORT");
            builder.port(port == null || port.isBlank() ? 8080 : Integer.parseInt(port.trim()));
        }
    }

    /**
     * Adds the shared filters and error handler to a routing, with the default body budget.
     *
     * @param routing the routing to extend
     */
    public static void routing(HttpRouting.Builder routing) {
        routing(routing, BodyBudget.fromConfig(Config.empty(), DEFAULT_MAX_PAYLOAD_BYTES));
    }

    /**
     * Adds the shared filters and error handler to a routing.
     *
     * @param routing the routing to extend
     * @param budget  the bound on request bodies held at once
     */
    public static void routing(HttpRouting.Builder routing, BodyBudget budget) {
        routing.addFilter(new RequestTelemetry())
                .addFilter(budget)
                .error(Exception.class, ServiceServer::unhandled);
    }

    private static void unhandled(ServerRequest req, ServerResponse res, Exception e) {
        Problem problem;
        if (e instanceof HttpException http && http.status().code() < 500) {
            problem = Problem.of("http-" + http.status().code(), http.status().reasonPhrase(),
                                 http.status().code(), http.getMessage());
        } else {
            LOGGER.log(Level.SEVERE, "unhandled exception on " + req.prologue().method() + " " + req.path().path(), e);
            problem = Problem.of("internal-error", "Internal Server Error", 500,
                                 "the service failed unexpectedly; the error is logged");
        }
        res.status(problem.status());
        res.header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE);
        res.send(problem.toJson());
    }

    private static DirectHandlers problemDirectHandlers() {
        DirectHandler handler = ServiceServer::directProblem;
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, handler);
        }
        return builder.build();
    }

    private static DirectHandler.TransportResponse directProblem(DirectHandler.TransportRequest request,
                                                                 DirectHandler.EventType eventType,
                                                                 Status status,
                                                                 ServerResponseHeaders headers,
                                                                 String message) {
        String detail = switch (eventType) {
            case PAYLOAD_TOO_LARGE -> "the request body is larger than this service accepts (server.max-payload-size)";
            case INTERNAL_ERROR -> "the service failed unexpectedly; the error is logged";
            default -> message == null || message.isBlank() ? status.reasonPhrase() : message;
        };
        Problem problem = Problem.of(eventType.name().toLowerCase().replace('_', '-'), status.reasonPhrase(),
                                     status.code(), detail);
        return DirectHandler.TransportResponse.builder()
                .status(status)
                .headers(headers)
                .header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
                .keepAlive(eventType.keepAlive())
                .entity(problem.toJson())
                .build();
    }
}
