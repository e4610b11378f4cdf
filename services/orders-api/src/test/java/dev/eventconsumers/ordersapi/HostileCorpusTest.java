package dev.eventconsumers.ordersapi;

import dev.eventconsumers.testkit.HostileCorpus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every REST request of the hostile corpus against the real API on the emulators, as a signed-in customer who owns one
 * order (the API takes no events).
 */
class HostileCorpusTest {
    @Test
    void theApiHoldsAgainstTheWholeCorpus() {
        try (ApiServer api = new ApiServer()) {
            String token = api.token("cust-1");
            ApiServer.Answer created = api.send("POST", "/orders", token,
                                                "{\"customer_id\":\"cust-1\",\"total_amount\":12.5,\"items\":[\"book\"]}");
            assertEquals(201, created.status(), created.body());
            String order = created.json().get("order_id").asText();
            List<String> failures = HostileCorpus.replay(api.uri("/"), request -> !request.isEvent(),
                                                         Map.of("token", token, "order", order));
            assertEquals(List.of(), failures);
        }
    }
}
