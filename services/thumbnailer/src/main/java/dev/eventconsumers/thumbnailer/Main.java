package dev.eventconsumers.thumbnailer;

import dev.eventconsumers.runtime.ServiceLogging;
import dev.eventconsumers.runtime.ServiceServer;
import io.helidon.config.Config;

/** Starts the thumbnailer: config ({@code application.yaml}, then the environment), logging, the service. */
public final class Main {
    private Main() {
    }

    /**
     * @param args ignored
     */
    public static void main(String[] args) {
        Config config = ServiceServer.loadConfig();
        ServiceLogging.configure(config);
        ServiceServer.start(config, ThumbnailerService.create(config));
    }
}
