package dev.eventconsumers.deadletters;

import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.runtime.ServiceLogging;
import dev.eventconsumers.runtime.ServiceServer;
import io.helidon.config.Config;

import java.time.Clock;

/** Starts the dead-letter sink: config, logging, the bucket ({@code deadletters.bucket}), routes. */
public final class Main {
    private Main() {
    }

    /**
     * @param args ignored
     */
    public static void main(String[] args) {
        Config config = Config.create();
        ServiceLogging.configure(config);
        Buckets buckets = Buckets.fromConfig(config.get("blobstore"), ServiceLogging.projectId(config));
        String bucket = config.get("deadletters.bucket").asString().orElse("dead-letters");
        KeepDeadLetter useCase = new KeepDeadLetter(buckets.bucket(bucket), Clock.systemUTC());
        ServiceServer.start(config, routing -> DeadLetterRoutes.routing(routing, useCase));
    }
}
