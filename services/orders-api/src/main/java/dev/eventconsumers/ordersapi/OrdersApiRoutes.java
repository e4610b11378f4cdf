package dev.eventconsumers.ordersapi;

import dev.eventconsumers.auth.BearerAuthFilter;
import dev.eventconsumers.auth.TokenVerifier;
import dev.eventconsumers.cloudevents.CloudEventService;
import dev.eventconsumers.orders.FlushOutbox;
import dev.eventconsumers.searchindexer.OrderSearch;
import io.helidon.webserver.http.HttpRouting;

import java.util.List;

/** Every route of the API: {@code /orders} behind CORS and bearer tokens, the outbox flush on {@code POST /}. */
public final class OrdersApiRoutes {
    static final List<String> API_PATHS = List.of("/orders");

    private OrdersApiRoutes() {
    }

    /**
     * @param flush the outbox flush
     * @return the CloudEvent endpoint: scheduled events flush the outbox
     */
    public static CloudEventService events(FlushOutbox flush) {
        return OutboxFlushEvents.events(flush);
    }

    static void routing(HttpRouting.Builder routing, Orders orders, OrderSearch search, FlushOutbox flush,
                        TokenVerifier verifier, List<String> allowedOrigins) {
        routing.addFilter(new CorsFilter(allowedOrigins, API_PATHS))
                .addFilter(new BearerAuthFilter(verifier, API_PATHS))
                .register("/orders", new OrdersService(orders, search))
                .register("/", events(flush));
    }
}
