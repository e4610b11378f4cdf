package dev.eventconsumers.runtime;

import io.helidon.webserver.http.HttpRouting;

/**
 * A service as its composition root ({@code XService.create(Config)}) made it: every route, and the clients to close
 * when it stops. {@code Main}, the service's tests, the local run and the deployment check all run the same one.
 */
@FunctionalInterface
public interface ServiceRoot extends AutoCloseable {
    /**
     * Registers every route of the service.
     *
     * @param routing the server's routing
     */
    void routing(HttpRouting.Builder routing);

    /** Releases what the service holds (clients, pools); the server has stopped by then. */
    @Override
    default void close() {
    }
}
