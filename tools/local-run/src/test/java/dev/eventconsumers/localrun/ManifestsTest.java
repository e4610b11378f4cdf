package dev.eventconsumers.localrun;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The graph reads its routing from the repository's own k8s/base, so these figures are the manifests'. */
class ManifestsTest {
    private static final Manifests K8S = Manifests.load(GraphProcess.repositoryRoot().resolve("k8s/base"));

    @Test
    void everyTriggerAndScheduleOfTheKustomizationIsRead() {
        assertEquals(java.util.Set.of("thumbnailer-uploads", "search-indexer-orders", "order-worker-actions",
                                      "order-worker-outbox-flush", "daily-report-schedule"),
                     K8S.triggers().stream().map(Manifests.Trigger::name).collect(java.util.stream.Collectors.toSet()));
        assertEquals(java.util.Set.of("daily-report", "outbox-flush"),
                     K8S.pingSources().stream().map(Manifests.PingSource::name)
                             .collect(java.util.stream.Collectors.toSet()));
        assertEquals(java.util.Set.of("thumbnailer", "dead-letters", "search-indexer", "orders-api", "order-worker",
                                      "daily-report"), K8S.services().keySet());
    }

    @Test
    void deliverySpecsAndTheirBackoff() {
        Manifests.Delivery thumbnailer = trigger("thumbnailer-uploads").delivery();
        assertEquals(new Manifests.Delivery(5, "exponential", Duration.ofSeconds(10), Optional.of("dead-letters")),
                     thumbnailer);
        assertEquals(Duration.ofSeconds(20), thumbnailer.backoff(1));
        assertEquals(Duration.ofSeconds(320), thumbnailer.backoff(5));
        Manifests.Delivery linear = new Manifests.Delivery(3, "linear", Duration.ofSeconds(2), Optional.empty());
        assertEquals(Duration.ofSeconds(6), linear.backoff(3));
        assertEquals(5, K8S.brokerDelivery().retry());
    }

    @Test
    void filtersMatchAsKnativeDoes() {
        Manifests.Trigger uploads = trigger("thumbnailer-uploads");
        assertTrue(uploads.matches(event("google.cloud.storage.object.v1.finalized", "//storage.googleapis.com/x",
                                         "objects/uploads/a.jpg")));
        assertFalse(uploads.matches(event("google.cloud.storage.object.v1.finalized", "//storage.googleapis.com/x",
                                          "objects/thumbnails/a.jpg")), "outside the prefix");
        assertFalse(uploads.matches(event("google.cloud.storage.object.v1.deleted", "//storage.googleapis.com/x",
                                          "objects/uploads/a.jpg")), "another type");
        Manifests.Trigger actions = trigger("order-worker-actions");
        assertTrue(actions.matches(event("google.cloud.pubsub.topic.v1.messagePublished",
                                         "//pubsub.googleapis.com/projects/p/topics/order-actions", null)));
        assertFalse(actions.matches(event("google.cloud.pubsub.topic.v1.messagePublished",
                                          "//pubsub.googleapis.com/projects/p/topics/other", null)));
        Manifests.Trigger flush = trigger("order-worker-outbox-flush");
        assertTrue(flush.matches(event("dev.knative.sources.ping",
                                       K8S.pingSource("outbox-flush").orElseThrow().source(), null)));
        assertFalse(flush.matches(event("dev.knative.sources.ping",
                                        K8S.pingSource("daily-report").orElseThrow().source(), null)));
    }

    @Test
    void aServiceGetsTheSharedConfigMapThenItsOwnEnvironment() {
        Map<String, String> env = K8S.services().get("daily-report").env();
        assertEquals("reports", env.get("REPORT_BUCKET"));
        assertEquals("json", env.get("LOG_FORMAT"), "from the event-consumers ConfigMap");
    }

    private static Manifests.Trigger trigger(String name) {
        return K8S.triggers().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow();
    }

    private static Event event(String type, String source, String subject) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("specversion", "1.0");
        attributes.put("id", "1");
        attributes.put("type", type);
        attributes.put("source", source);
        if (subject != null) {
            attributes.put("subject", subject);
        }
        return new Event(attributes, "application/json", "{}".getBytes(StandardCharsets.UTF_8));
    }
}
