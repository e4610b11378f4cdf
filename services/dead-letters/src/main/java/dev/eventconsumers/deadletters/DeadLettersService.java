package dev.eventconsumers.deadletters;

import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.cloudevents.CloudEventService;
import dev.eventconsumers.runtime.GcpProject;
import dev.eventconsumers.runtime.ServiceRoot;
import io.helidon.config.Config;
import io.helidon.webserver.http.HttpRouting;

import java.time.Clock;

/** The dead-letter sink's composition root: the bucket ({@code deadletters.bucket} of {@code blobstore}), routes. */
public final class DeadLettersService implements ServiceRoot {
    private final KeepDeadLetter useCase;
    private final int maxBatch;

    private DeadLettersService(KeepDeadLetter useCase, int maxBatch) {
        this.useCase = useCase;
        this.maxBatch = maxBatch;
    }

    /**
     * @param config the root config ({@code application.yaml}, then the environment)
     * @return the service
     */
    public static DeadLettersService create(Config config) {
        return create(config, Buckets.fromConfig(config.get("blobstore"), GcpProject.of(config)), Clock.systemUTC());
    }

    /**
     * @param config  the root config
     * @param buckets where the bucket is (tests bring an unreachable Cloud Storage)
     * @param clock   dates events that carry no time
     * @return the service
     */
    public static DeadLettersService create(Config config, Buckets buckets, Clock clock) {
        return new DeadLettersService(new KeepDeadLetter(buckets.bucket(config.get("deadletters.bucket").asString().get()),
                                                         clock), config.get("events.max-batch").asInt().get());
    }

    /** @return the CloudEvent endpoint, accepting every type */
    public CloudEventService events() {
        return CloudEventService.builder().maxBatch(maxBatch)
                .otherwise(CloudEventService.rawData(), event -> useCase.keep(event.cloudEvent()))
                .build();
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        routing.register("/", events());
    }
}
