package dev.eventconsumers.orderworker;

import com.google.cloud.firestore.Firestore;
import dev.eventconsumers.cloudevents.CloudEventService;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.orders.FirestoreOutbox;
import dev.eventconsumers.orders.FlushOutbox;
import dev.eventconsumers.orders.PubSubPublisher;
import dev.eventconsumers.runtime.ServiceLogging;
import dev.eventconsumers.runtime.ServiceServer;
import io.helidon.config.Config;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Starts the worker: Firestore ({@code FIRESTORE_EMULATOR_HOST}), Pub/Sub for follow-on actions
 * ({@code PUBSUB_EMULATOR_HOST}), routes.
 */
public final class Main {
    private Main() {
    }

    /**
     * @param args ignored
     */
    public static void main(String[] args) {
        Config config = Config.create();
        ServiceLogging.configure(config);
        HandleOrderAction useCase = useCase(config, env("FIRESTORE_EMULATOR_HOST"), env("PUBSUB_EMULATOR_HOST"));
        ServiceServer.start(config, routing -> OrderWorkerRoutes.routing(routing, useCase));
    }

    /**
     * The worker's endpoint, for tools that check deployments against what it accepts.
     *
     * @param config       root config
     * @param firestoreHost emulator host, if any
     * @param pubsubHost    emulator host, if any
     * @return its CloudEvent service
     */
    public static CloudEventService events(Config config, Optional<String> firestoreHost, Optional<String> pubsubHost) {
        return OrderWorkerRoutes.events(useCase(config, firestoreHost, pubsubHost));
    }

    static HandleOrderAction useCase(Config config, Optional<String> firestoreHost, Optional<String> pubsubHost) {
        String project = config.get("gcp.project").asString()
                .or(() -> Optional.ofNullable(System.getenv("GOOGLE_CLOUD_PROJECT")))
                .orElse("demo-orders");
        Firestore firestore = FirestoreOrderStore.client(project, firestoreHost, config.get("firestore.timeout")
                .as(Duration.class).orElse(FirestoreOrderStore.DEFAULT_TIMEOUT));
        PubSubPublisher publisher = new PubSubPublisher(project, pubsubHost, config.get("pubsub.timeout")
                .as(Duration.class).orElse(Duration.ofSeconds(5)));
        Clock clock = Clock.systemUTC();
        return new HandleOrderAction(new FirestoreActionStore(firestore),
                                     new FlushOutbox(new FirestoreOutbox(firestore), publisher, clock),
                                     config.get("outbox.topic").asString().orElse("order-actions"), clock);
    }

    private static Optional<String> env(String name) {
        return Optional.ofNullable(System.getenv(name)).filter(v -> !v.isBlank());
    }
}
