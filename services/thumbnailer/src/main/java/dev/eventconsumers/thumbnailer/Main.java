package dev.eventconsumers.thumbnailer;

import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.runtime.ServiceLogging;
import dev.eventconsumers.runtime.ServiceServer;
import io.helidon.config.Config;

/** Starts the thumbnailer: config ({@code application.yaml}, then environment), logging, storage, routes. */
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
        MakeThumbnails useCase = new MakeThumbnails(buckets, ThumbnailSettings.fromConfig(config.get("thumbnailer")));
        ServiceServer.start(config, routing -> ThumbnailerRoutes.routing(routing, useCase));
    }
}
