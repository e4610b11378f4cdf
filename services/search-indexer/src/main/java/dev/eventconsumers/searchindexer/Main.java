package dev.eventconsumers.searchindexer;

import dev.eventconsumers.runtime.ServiceLogging;
import dev.eventconsumers.runtime.ServiceServer;
import io.helidon.config.Config;

/** Starts the indexer: config, logging, the OpenSearch client ({@code opensearch.url}), routes. */
public final class Main {
    private Main() {
    }

    /**
     * @param args ignored
     */
    public static void main(String[] args) {
        Config config = Config.create();
        ServiceLogging.configure(config);
        OpenSearchIndex index = new OpenSearchIndex(
                OpenSearchIndex.client(config.get("opensearch.url").asString().orElse("http://localhost:9200")),
                config.get("opensearch.index").asString().orElse("orders"));
        IndexOrderChange useCase = new IndexOrderChange(index);
        ServiceServer.start(config, routing -> SearchIndexerRoutes.routing(routing, useCase));
    }
}
