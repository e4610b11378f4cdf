package dev.eventconsumers.orderworker;

import com.google.cloud.firestore.Firestore;
import dev.eventconsumers.cloudevents.CloudEventService;
import dev.eventconsumers.cloudevents.EventTypes;
import dev.eventconsumers.cloudevents.GooglePayloads;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.orders.FirestoreOutbox;
import dev.eventconsumers.orders.FlushOutbox;
import dev.eventconsumers.orders.PubSubPublisher;
import dev.eventconsumers.runtime.ServiceRoot;
import io.helidon.config.Config;
import io.helidon.webserver.http.HttpRouting;

import java.time.Clock;
import java.util.function.Supplier;

/**
 * The worker's composition root: Firestore ({@code firestore}, {@code FIRESTORE_EMULATOR_HOST}), Pub/Sub for follow-on
 * actions ({@code pubsub}, {@code PUBSUB_EMULATOR_HOST}), the actions topic ({@code outbox.topic}), the outbox flush the
 * schedule asks for, routes.
 */
public final class OrderWorkerService implements ServiceRoot {
    private final Supplier<Firestore> firestore;
    private final PubSubPublisher publisher;
    private final HandleOrderAction useCase;
    private final FlushOutboxOnSchedule scheduledFlush;
    private final int maxBatch;

    private OrderWorkerService(Config config, Clock clock) {
        this.maxBatch = config.get("events.max-batch").asInt().get();
        this.firestore = FirestoreOrderStore.clientInBackground(config);
        this.publisher = PubSubPublisher.create(config);
        FlushOutbox flush = new FlushOutbox(new FirestoreOutbox(firestore), publisher, clock);
        this.useCase = new HandleOrderAction(new FirestoreActionStore(firestore), flush,
                                             config.get("outbox.topic").asString().get(), clock);
        this.scheduledFlush = new FlushOutboxOnSchedule(flush);
        dev.eventconsumers.telemetry.Meters.registerSoon(() -> {
            for (String action : OrderAction.ACTIONS) {
                for (String outcome : java.util.List.of("done", "reject", "retry")) {
                    HandleOrderAction.processed(action, outcome);
                }
            }
        });
    }

    /**
     * @param config the root config ({@code application.yaml}, then the environment)
     * @return the service (its clients connect on first use)
     */
    public static OrderWorkerService create(Config config) {
        return new OrderWorkerService(config, Clock.systemUTC());
    }

    /**
     * @return the CloudEvent endpoint: Pub/Sub messages (Eventarc, plain push, batches), and the outbox-flush schedule
     *         (a PingSource tick, a Cloud Scheduler call)
     */
    public CloudEventService events() {
        return CloudEventService.builder().maxBatch(maxBatch)
                .on(EventTypes.PUBSUB_MESSAGE_PUBLISHED, PubSubDelivery.decoder(), useCase::handle)
                .on(EventTypes.KNATIVE_PING, GooglePayloads.ping(), event -> scheduledFlush.handle())
                .on(EventTypes.SCHEDULER_JOB_EXECUTED, GooglePayloads.schedulerJob(), event -> scheduledFlush.handle())
                .build();
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        routing.register("/", events());
    }

    @Override
    public void close() {
        publisher.close();
        try {
            firestore.get().close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
