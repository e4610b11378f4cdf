package dev.eventconsumers.orderworker;

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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The worker at its container concurrency (32) with the largest Pub/Sub pushes it takes (a 12 MiB message, 16 MiB
 * once base64-encoded in the push), in the heap its manifest gives it (75% of 384 MiB: 288 MiB). Each body becomes
 * several copies while it is decoded; bodies in flight are bounded, so the heap holds and every push gets its answer
 * (the poison ones here are 422, none lost to an OutOfMemoryError).
 */
class BoundedHeapTest {
    @Test
    void thirtyTwoPushesOfSixteenMebibytesAtOnceAreAllAnswered() throws Exception {
        Platform.requireHeap(288);
        int nobody = FreePort.find();
        Config config = TestConfig.of(Map.of("gcp.project", "demo-orders",
                                             "firestore.emulator.host", "127.0.0.1:" + nobody,
                                             "pubsub.emulator.host", "127.0.0.1:" + nobody));
        OrderWorkerService service = OrderWorkerService.create(config);
        WebServer server = ServiceServer.start(config, service);
        try {
            // A valid action with a large data object and an order id that is not one: parsed whole, then refused.
            String pad = "x".repeat(12 * 1024 * 1024 - 200);
            String action = "{\"order_id\":\"not-an-order\",\"action\":\"process_payment\",\"data\":{\"pad\":\"" + pad
                    + "\"}}";
            String data = Base64.getEncoder().encodeToString(action.getBytes(StandardCharsets.UTF_8));
            // One body for all (the client holds it once): each is parsed, and refused, on its own.
            byte[] push = ("{\"message\":{\"data\":\"" + data + "\",\"messageId\":\"big-1\","
                    + "\"attributes\":{\"action\":\"process_payment\"}},"
                    + "\"subscription\":\"projects/demo-orders/subscriptions/order-worker\"}")
                    .getBytes(StandardCharsets.UTF_8);
            List<HttpRequest> pushes = new ArrayList<>();
            for (int i = 0; i < 32; i++) {
                pushes.add(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                                   .timeout(Duration.ofMinutes(2)).header("Content-Type", "application/json")
                                   .POST(Platform.body(push)).build());
            }
            List<HttpResponse<String>> answers = Platform.deliver(pushes, 32, Duration.ofMinutes(5));
            answers.forEach(answer -> assertEquals(422, answer.statusCode(), answer.body()));
        } finally {
            server.stop();
            service.close();
        }
    }
}
