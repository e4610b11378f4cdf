package dev.eventconsumers.dailyreport;

import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.cloudevents.CloudEventService;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.runtime.ServiceLogging;
import dev.eventconsumers.runtime.ServiceServer;
import io.helidon.config.Config;

import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Optional;

/** Starts the report: Firestore ({@code FIRESTORE_EMULATOR_HOST}), the reports bucket, the zone, routes. */
public final class Main {
    private Main() {
    }

    /**
     * @param args ignored
     */
    public static void main(String[] args) {
        Config config = Config.create();
        ServiceLogging.configure(config);
        MakeDailyReport useCase = useCase(config, Optional.ofNullable(System.getenv("FIRESTORE_EMULATOR_HOST"))
                .filter(h -> !h.isBlank()));
        ServiceServer.start(config, routing -> DailyReportRoutes.routing(routing, useCase));
    }

    /**
     * The report's endpoint, for tools that check deployments against what it accepts.
     *
     * @param config        root config
     * @param firestoreHost emulator host, if any
     * @return its CloudEvent service
     */
    public static CloudEventService events(Config config, Optional<String> firestoreHost) {
        return DailyReportRoutes.events(useCase(config, firestoreHost));
    }

    static MakeDailyReport useCase(Config config, Optional<String> firestoreHost) {
        String project = ServiceLogging.projectId(config).orElse("demo-orders");
        Buckets buckets = Buckets.fromConfig(config.get("blobstore"), ServiceLogging.projectId(config));
        return new MakeDailyReport(
                new FirestoreOrderSource(FirestoreOrderStore.client(project, firestoreHost,
                                                                    config.get("firestore.timeout").as(Duration.class)
                                                                            .orElse(FirestoreOrderStore.DEFAULT_TIMEOUT))),
                buckets.bucket(config.get("report.bucket").asString().orElse("reports")),
                ZoneId.of(config.get("report.zone").asString().orElse("UTC")),
                config.get("report.max-days").asInt().orElse(31), Clock.systemUTC());
    }
}
