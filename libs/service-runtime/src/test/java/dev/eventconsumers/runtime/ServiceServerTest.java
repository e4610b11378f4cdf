package dev.eventconsumers.runtime;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared server settings, on a real server. */
class ServiceServerTest {
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    static Config config(Map<String, String> values) {
        return Config.just(ConfigSources.create(values));
    }

    @Test
    void defaultsCapBodiesAndWaitForInFlightRequestsOnShutdown() {
        WebServerConfig.Builder builder = WebServer.builder();
        ServiceServer.configure(builder, config(Map.of("server.port", "0")));
        WebServerConfig built = builder.buildPrototype();
        assertEquals(ServiceServer.DEFAULT_MAX_PAYLOAD_BYTES, built.maxPayloadSize());
        assertEquals(Duration.ofSeconds(8), built.shutdownGracePeriod());
    }

    @Test
    void configOverridesTheDefaults() {
        WebServerConfig.Builder builder = WebServer.builder();
        ServiceServer.configure(builder, config(Map.of("server.port", "0", "server.max-payload-size", "1024",
                                                       "server.shutdown-grace-period", "PT3S")));
        WebServerConfig built = builder.buildPrototype();
        assertEquals(1024, built.maxPayloadSize());
        assertEquals(Duration.ofSeconds(3), built.shutdownGracePeriod());
    }

    @Test
    void healthAndMetricsAnswerUnderObserve() throws Exception {
        WebServer server = ServiceServer.start(config(Map.of("server.port", "0", "server.host", "127.0.0.1")),
                                               routing -> routing.get("/hello", (req, res) -> res.send("hi")));
        try {
            URI base = URI.create("http://127.0.0.1:" + server.port());
            assertEquals(204, get(base.resolve("/observe/health")).statusCode());
            assertEquals(204, get(base.resolve("/observe/health/ready")).statusCode());
            HttpResponse<String> metrics = get(base.resolve("/observe/metrics"));
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("jvm") || metrics.body().contains("base"), metrics.body());
            HttpResponse<String> missing = get(base.resolve("/nope"));
            assertEquals(404, missing.statusCode());
        } finally {
            server.stop();
        }
    }

    @Test
    void uncaughtExceptionIsAProblemWithoutStackTrace() throws Exception {
        WebServer server = ServiceServer.start(config(Map.of("server.port", "0", "server.host", "127.0.0.1")),
                                               routing -> routing.get("/boom", (req, res) -> {
                                                   throw new IllegalStateException("database password is hunter2");
                                               }));
        try {
            HttpResponse<String> response = get(URI.create("http://127.0.0.1:" + server.port() + "/boom"));
            assertEquals(500, response.statusCode());
            assertEquals("application/problem+json", response.headers().firstValue("content-type").orElseThrow());
            assertTrue(!response.body().contains("hunter2") && !response.body().contains("IllegalState"),
                       response.body());
        } finally {
            server.stop();
        }
    }

    static HttpResponse<String> get(URI uri) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
