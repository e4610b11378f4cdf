package dev.eventconsumers.dailyreport;

import com.google.cloud.firestore.Firestore;
import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.cloudevents.CloudEventService;
import dev.eventconsumers.cloudevents.EventTypes;
import dev.eventconsumers.cloudevents.GooglePayloads;
import dev.eventconsumers.cloudevents.TypedEvent;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.runtime.GcpProject;
import dev.eventconsumers.runtime.ServiceRoot;
import io.helidon.config.Config;
import io.helidon.webserver.http.HttpRouting;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The report's composition root: Firestore ({@code firestore}, {@code FIRESTORE_EMULATOR_HOST}), the reports bucket
 * ({@code report.bucket} of {@code blobstore}), the zone, routes. On {@code POST /}: Cloud Scheduler through Pub/Sub,
 * the Scheduler job event (and a Scheduler HTTP call, which the binding turns into one), and Knative PingSource ticks.
 * The event's time is the scheduled time; the payload may name dates.
 */
public final class DailyReportService implements ServiceRoot {
    private final Supplier<Firestore> firestore;
    private final MakeDailyReport useCase;
    private final int maxBatch;

    private DailyReportService(Config config, Buckets buckets, Clock clock) {
        this.maxBatch = config.get("events.max-batch").asInt().get();
        this.firestore = FirestoreOrderStore.clientInBackground(config);
        this.useCase = new MakeDailyReport(new FirestoreOrderSource(firestore),
                                           buckets.bucket(config.get("report.bucket").asString().get()),
                                           ZoneId.of(config.get("report.zone").asString().get()),
                                           config.get("report.max-days").asInt().get(), clock);
    }

    /**
     * @param config the root config ({@code application.yaml}, then the environment)
     * @return the service (its client connects on first use)
     */
    public static DailyReportService create(Config config) {
        return create(config, Buckets.fromConfig(config.get("blobstore"), GcpProject.of(config)), Clock.systemUTC());
    }

    /**
     * @param config  the root config
     * @param buckets where the reports bucket is (tests bring an unreachable Cloud Storage)
     * @param clock   "now", for reports that name no date
     * @return the service
     */
    static DailyReportService create(Config config, Buckets buckets, Clock clock) {
        return new DailyReportService(config, buckets, clock);
    }

    /** @return the CloudEvent endpoint */
    public CloudEventService events() {
        return CloudEventService.builder().maxBatch(maxBatch)
                .on(EventTypes.PUBSUB_MESSAGE_PUBLISHED, GooglePayloads.messagePublished(),
                    // Eventarc sets the time; the binding gives a plain push its message's publish time.
                    event -> useCase.handle(time(event), event.data().getMessage().getData().toByteArray()))
                .on(EventTypes.SCHEDULER_JOB_EXECUTED, GooglePayloads.schedulerJob(),
                    event -> useCase.handle(time(event), event.data().getCustomData().toByteArray()))
                .on(EventTypes.KNATIVE_PING, GooglePayloads.ping(),
                    event -> useCase.handle(time(event), event.data().bytes()))
                .build();
    }

    private static Optional<Instant> time(TypedEvent<?> event) {
        return Optional.ofNullable(event.cloudEvent().getTime()).map(t -> t.toInstant());
    }

    @Override
    public void routing(HttpRouting.Builder routing) {
        routing.register("/", events());
    }

    @Override
    public void close() {
        try {
            firestore.get().close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
