package dev.eventconsumers.thumbnailer;

import dev.eventconsumers.cloudevents.CloudEventService;
import dev.eventconsumers.cloudevents.EventTypes;
import dev.eventconsumers.cloudevents.GooglePayloads;
import io.helidon.webserver.http.HttpRouting;

/** Every route of the thumbnailer: Cloud Storage finalized events on {@code POST /}. */
public final class ThumbnailerRoutes {
    private ThumbnailerRoutes() {
    }

    /**
     * @param useCase the thumbnail maker
     * @return the CloudEvent endpoint
     */
    public static CloudEventService events(MakeThumbnails useCase) {
        return CloudEventService.builder()
                .on(EventTypes.STORAGE_OBJECT_FINALIZED, GooglePayloads.storageObject(),
                    event -> useCase.handle(event.data()))
                .build();
    }

    /**
     * @param routing the server's routing
     * @param useCase the thumbnail maker
     */
    public static void routing(HttpRouting.Builder routing, MakeThumbnails useCase) {
        routing.register("/", events(useCase));
    }
}
