package dev.eventconsumers.deadletters;

import dev.eventconsumers.runtime.ServiceLogging;
import dev.eventconsumers.runtime.ServiceServer;
import io.helidon.config.Config;

/** Starts the dead-letter sink: config, logging, the service. */
public final class Main {
    private Main() {
    }

    /**
     * @param args ignored
     */
    public static void main(String[] args) {
        Config config = ServiceServer.loadConfig();
        ServiceLogging.configure(config);
        ServiceServer.start(config, DeadLettersService.create(config));
    }
}
