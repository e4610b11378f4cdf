package dev.eventconsumers.searchindexer;

import dev.eventconsumers.cloudevents.CloudEventService;
import dev.eventconsumers.cloudevents.EventTypes;
import dev.eventconsumers.cloudevents.GooglePayloads;
import dev.eventconsumers.ordersearch.GroupCommitIndex;
import dev.eventconsumers.ordersearch.OpenSearchIndex;
import dev.eventconsumers.runtime.ServiceRoot;
import io.helidon.config.Config;
import io.helidon.webserver.http.HttpRouting;

/**
 * The indexer's composition root: the OpenSearch index ({@code opensearch}) written through group commit
 * ({@code opensearch.bulk}: concurrent events share one durable bulk request), routes.
 */
public final class SearchIndexerService implements ServiceRoot {
    private final IndexOrderChange useCase;
    private final GroupCommitIndex writer;
    private final int maxBatch;

    private SearchIndexerService(GroupCommitIndex writer, int maxBatch) {
        this.writer = writer;
        this.useCase = new IndexOrderChange(writer);
        this.maxBatch = maxBatch;
    }

    /**
     * @param config the root config ({@code application.yaml}, then the environment)
     * @return the service
     */
    public static SearchIndexerService create(Config config) {
        return new SearchIndexerService(GroupCommitIndex.fromConfig(OpenSearchIndex.fromConfig(config.get("opensearch")),
                                                                    config.get("opensearch.bulk")),
                                        config.get("events.max-batch").asInt().get());
    }

    /** @return the CloudEvent endpoint: Firestore document events (every variant) */
    public CloudEventService events() {
        return CloudEventService.builder().maxBatch(maxBatch)
                .on(EventTypes.firestoreDocumentTypes(), GooglePayloads.documentEvent(), useCase::handle)
                .build();
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        routing.register("/", events());
    }

    /** Sends what is queued for the index, then stops its writer. */
    @Override
    public void close() {
        writer.close();
    }
}
