package dev.eventconsumers.ordersapi;

import dev.eventconsumers.testkit.HostileJson;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Any body is an order (or a change) or a list of what is wrong with it (answered 400), quickly: random JSON of every
 * shape with the API's own field names, numbers of any length and exponent, strings of every Unicode class.
 */
class OrderJsonProperties {
    static void readsOrRefuses(Runnable read) {
        long began = System.nanoTime();
        try {
            read.run();
        } catch (OrderJson.InvalidRequestException refused) {
            if (refused.getMessage() == null) {
                throw new AssertionError("a refusal says what was wrong");
            }
        }
        if (System.nanoTime() - began > 1_000_000_000L) {
            throw new AssertionError("took " + (System.nanoTime() - began) / 1_000_000 + " ms");
        }
    }

    @Property(tries = 1000)
    void anyNewOrderBody(@ForAll("newOrders") String body) {
        readsOrRefuses(() -> {
            OrderJson.NewOrder order = OrderJson.newOrder(body.getBytes(StandardCharsets.UTF_8));
            if (order.items().isEmpty() || order.totalCents() <= 0) {
                throw new AssertionError("accepted an order no rule allows: " + order);
            }
        });
    }

    @Property(tries = 1000)
    void anyPatchBody(@ForAll("patches") String body) {
        readsOrRefuses(() -> OrderJson.patch(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<String> newOrders() {
        Arbitrary<String> order = HostileJson.objectsWith(List.of("customer_id", "total_amount", "items", "currency",
                                                                  "customer_email"));
        return Arbitraries.oneOf(order, HostileJson.values(3), HostileJson.almost(order));
    }

    @Provide
    Arbitrary<String> patches() {
        Arbitrary<String> patch = HostileJson.objectsWith(List.of("status", "total_amount", "items"));
        return Arbitraries.oneOf(patch, HostileJson.values(3), HostileJson.almost(patch));
    }
}
