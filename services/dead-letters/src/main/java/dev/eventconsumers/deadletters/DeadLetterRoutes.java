package dev.eventconsumers.deadletters;

import dev.eventconsumers.cloudevents.CloudEventService;
import io.helidon.webserver.http.HttpRouting;

/** Every route of the dead-letter sink: any CloudEvent on {@code POST /}. */
public final class DeadLetterRoutes {
    private DeadLetterRoutes() {
    }

    /**
     * @param useCase keeps the events
     * @return the CloudEvent endpoint, accepting every type
     */
    public static CloudEventService events(KeepDeadLetter useCase) {
        return CloudEventService.builder()
                .otherwise(CloudEventService.rawData(), event -> useCase.keep(event.cloudEvent()))
                .build();
    }

    /**
     * @param routing the server's routing
     * @param useCase keeps the events
     */
    public static void routing(HttpRouting.Builder routing, KeepDeadLetter useCase) {
        routing.register("/", events(useCase));
    }
}
