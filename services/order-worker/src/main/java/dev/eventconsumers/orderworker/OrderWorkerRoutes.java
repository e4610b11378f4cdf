package dev.eventconsumers.orderworker;

import dev.eventconsumers.cloudevents.CloudEventService;
import dev.eventconsumers.cloudevents.EventTypes;
import io.helidon.webserver.http.HttpRouting;

/** Every route of the worker: Pub/Sub messages (Eventarc, plain push, batches) on {@code POST /}. */
public final class OrderWorkerRoutes {
    private OrderWorkerRoutes() {
    }

    static CloudEventService events(HandleOrderAction useCase) {
        return CloudEventService.builder()
                .on(EventTypes.PUBSUB_MESSAGE_PUBLISHED, PubSubDelivery.decoder(), useCase::handle)
                .build();
    }

    static void routing(HttpRouting.Builder routing, HandleOrderAction useCase) {
        routing.register("/", events(useCase));
    }
}
