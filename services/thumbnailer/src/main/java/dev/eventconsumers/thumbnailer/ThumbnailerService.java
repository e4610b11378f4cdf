package dev.eventconsumers.thumbnailer;

import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.cloudevents.CloudEventService;
import dev.eventconsumers.cloudevents.EventTypes;
import dev.eventconsumers.cloudevents.GooglePayloads;
import dev.eventconsumers.runtime.GcpProject;
import dev.eventconsumers.runtime.ServiceRoot;
import io.helidon.config.Config;
import io.helidon.webserver.http.HttpRouting;

/** The thumbnailer's composition root: storage from {@code blobstore}, settings from {@code thumbnailer}, routes. */
public final class ThumbnailerService implements ServiceRoot {
    private final MakeThumbnails useCase;
    private final int maxBatch;

    private ThumbnailerService(MakeThumbnails useCase, int maxBatch) {
        this.useCase = useCase;
        this.maxBatch = maxBatch;
    }

    /**
     * @param config the root config ({@code application.yaml}, then the environment)
     * @return the service
     */
    public static ThumbnailerService create(Config config) {
        return create(config, Buckets.fromConfig(config.get("blobstore"), GcpProject.of(config)));
    }

    /**
     * @param config  the root config
     * @param buckets where sources and thumbnails live (tests bring Google's in-memory Cloud Storage)
     * @return the service
     */
    public static ThumbnailerService create(Config config, Buckets buckets) {
        return new ThumbnailerService(new MakeThumbnails(buckets, ThumbnailSettings.fromConfig(config.get("thumbnailer"))),
                                      config.get("events.max-batch").asInt().get());
    }

    /** @return the CloudEvent endpoint: Cloud Storage finalized events */
    public CloudEventService events() {
        return CloudEventService.builder().maxBatch(maxBatch)
                .on(EventTypes.STORAGE_OBJECT_FINALIZED, GooglePayloads.storageObject(),
                    event -> useCase.handle(event.data()))
                .build();
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        routing.register("/", events());
    }
}
