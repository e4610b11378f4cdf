package dev.eventconsumers.ordersapi;

import dev.eventconsumers.runtime.ServiceServer;
import dev.eventconsumers.testkit.FreePort;
import dev.eventconsumers.testkit.Platform;
import dev.eventconsumers.testkit.TestConfig;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The API at its container concurrency (80) with the largest bodies it takes, built to cost the most once parsed
 * (tens of thousands of one-letter items), in the heap its manifest gives it (75% of 384 MiB: 288 MiB).
 */
class BoundedHeapTest {
    @Test
    void eightyLargestOrdersAtOnceAreAllAnswered() throws Exception {
        Platform.requireHeap(288);
        Path tokens = Files.createTempFile("dev-tokens", ".env");
        int nobody = FreePort.find();
        Config config = TestConfig.of(Map.of("gcp.project", "demo-orders",
                                             "firestore.emulator.host", "127.0.0.1:" + nobody,
                                             "pubsub.emulator.host", "127.0.0.1:" + nobody,
                                             "auth.dev.enabled", "true", "auth.dev.tokens-file", tokens.toString()));
        OrdersApiService service = OrdersApiService.create(config);
        WebServer server = ServiceServer.start(config, service);
        try {
            String token = Files.readAllLines(tokens).getFirst().replace("export DEV_TOKEN=", "").trim();
            long cap = config.get("server.max-payload-size").asLong().get();
            StringBuilder body = new StringBuilder("{\"customer_id\":\"cust-1\",\"total_amount\":1,\"items\":[\"a\"");
            while (body.length() < cap - 10) {
                body.append(",\"a\"");
            }
            body.append("]}");
            List<HttpRequest> orders = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                orders.add(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/orders"))
                                   .timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
                                   .header("Authorization", "Bearer " + token)
                                   .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build());
            }
            List<HttpResponse<String>> answers = Platform.deliver(orders, 80, Duration.ofMinutes(3));
            for (HttpResponse<String> answer : answers) {
                assertEquals(400, answer.statusCode(), answer.body());
                assertTrue(answer.body().contains("\"items\""), answer.body());
            }
        } finally {
            server.stop();
            service.close();
        }
    }
}
