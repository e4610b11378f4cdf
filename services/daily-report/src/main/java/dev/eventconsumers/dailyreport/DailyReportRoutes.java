package dev.eventconsumers.dailyreport;

import dev.eventconsumers.cloudevents.CloudEventService;
import dev.eventconsumers.cloudevents.EventTypes;
import dev.eventconsumers.cloudevents.GooglePayloads;
import dev.eventconsumers.cloudevents.TypedEvent;
import io.helidon.webserver.http.HttpRouting;

import java.time.Instant;
import java.util.Optional;

/**
 * Every route of the report: on {@code POST /}, Cloud Scheduler through Pub/Sub, the Scheduler job event (and a
 * Scheduler HTTP call, which the binding turns into one), and Knative PingSource ticks. The event's time is the
 * scheduled time; the payload may name dates.
 */
public final class DailyReportRoutes {
    private DailyReportRoutes() {
    }

    static CloudEventService events(MakeDailyReport useCase) {
        return CloudEventService.builder()
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

    static void routing(HttpRouting.Builder routing, MakeDailyReport useCase) {
        routing.register("/", events(useCase));
    }
}
