package dev.eventconsumers.searchindexer;

import dev.eventconsumers.cloudevents.CloudEventService;
import dev.eventconsumers.cloudevents.EventTypes;
import dev.eventconsumers.cloudevents.GooglePayloads;
import io.helidon.webserver.http.HttpRouting;

/** Every route of the indexer: Firestore document events (every variant) on {@code POST /}. */
public final class SearchIndexerRoutes {
    private SearchIndexerRoutes() {
    }

    /**
     * @param useCase keeps the index equal to Firestore
     * @return the CloudEvent endpoint
     */
    public static CloudEventService events(IndexOrderChange useCase) {
        return CloudEventService.builder()
                .on(EventTypes.firestoreDocumentTypes(), GooglePayloads.documentEvent(), useCase::handle)
                .build();
    }

    /**
     * @param routing the server's routing
     * @param useCase keeps the index equal to Firestore
     */
    public static void routing(HttpRouting.Builder routing, IndexOrderChange useCase) {
        routing.register("/", events(useCase));
    }
}
