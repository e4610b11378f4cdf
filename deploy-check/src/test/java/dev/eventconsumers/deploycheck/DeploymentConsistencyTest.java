package dev.eventconsumers.deploycheck;

import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.cloudevents.CloudEventService;
import dev.eventconsumers.cloudevents.EventTypes;
import dev.eventconsumers.deadletters.DeadLetterRoutes;
import dev.eventconsumers.deadletters.KeepDeadLetter;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.orders.FirestoreOutbox;
import dev.eventconsumers.orders.FlushOutbox;
import dev.eventconsumers.orders.PubSubPublisher;
import dev.eventconsumers.ordersapi.OrdersApiRoutes;
import dev.eventconsumers.runtime.ServiceServer;
import dev.eventconsumers.searchindexer.IndexOrderChange;
import dev.eventconsumers.searchindexer.OpenSearchIndex;
import dev.eventconsumers.searchindexer.SearchIndexerRoutes;
import dev.eventconsumers.thumbnailer.MakeThumbnails;
import dev.eventconsumers.thumbnailer.ThumbnailSettings;
import dev.eventconsumers.thumbnailer.ThumbnailerRoutes;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.eventconsumers.deploycheck.Repository.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fails when the deployment files drift from the services: a service module without its Knative Service, skaffold
 * artifact or Cloud Run deploy step; an image name other than Jib's; a Trigger or Eventarc filter on an event type
 * the target does not accept (asked of the service's own registered handlers); a Trigger without a dead-letter sink;
 * an environment variable the service does not read; a probe path the service does not answer; an invalid
 * PingSource schedule.
 */
class DeploymentConsistencyTest {
    static final List<String> RENDERINGS = List.of("k8s/base", "k8s/overlays/local", "k8s/overlays/gke");
    /** Read straight from the environment rather than through config keys. */
    static final Set<String> DIRECT_ENV = Set.of("PORT", "GOOGLE_CLOUD_PROJECT", "STORAGE_EMULATOR_HOST",
                                           "FIRESTORE_EMULATOR_HOST", "PUBSUB_EMULATOR_HOST");
    /** Config keys every service reads (service-runtime) besides its application.yaml. */
    static final Set<String> RUNTIME_KEYS = Set.of("log.format", "log.level", "gcp.project", "blobstore.kind",
                                                   "blobstore.root", "blobstore.emulator");

    /**
     * How to build each service's CloudEvent endpoint, to ask it which types it accepts. A service module missing
     * here fails {@link #everyServiceModuleCanBeAsked()}.
     */
    static final Map<String, Function<Path, CloudEventService>> SERVICES = Map.of(
            "thumbnailer", dir -> ThumbnailerRoutes.events(
                    new MakeThumbnails(Buckets.filesystem(dir), ThumbnailSettings.defaults())),
            "dead-letters", dir -> DeadLetterRoutes.events(
                    new KeepDeadLetter(Buckets.filesystem(dir).bucket("dead-letters"), Clock.systemUTC())),
            "search-indexer", dir -> SearchIndexerRoutes.events(new IndexOrderChange(
                    new OpenSearchIndex(OpenSearchIndex.client("http://127.0.0.1:9"), "orders"))),
            // Clients of backends that are not there: nothing is contacted until an event needs it.
            "orders-api", dir -> OrdersApiRoutes.events(new FlushOutbox(
                    new FirestoreOutbox(FirestoreOrderStore.client("demo", Optional.of("127.0.0.1:9"))),
                    new PubSubPublisher("demo", Optional.of("127.0.0.1:9"), Duration.ofSeconds(1)),
                    Clock.systemUTC())),
            "order-worker", dir -> dev.eventconsumers.orderworker.Main.events(
                    Config.empty(), Optional.of("127.0.0.1:9"), Optional.of("127.0.0.1:9")),
            "daily-report", dir -> dev.eventconsumers.dailyreport.Main.events(Config.just(ConfigSources.create(Map.of(
                    "blobstore.kind", "filesystem", "blobstore.root", dir.toString()))), Optional.of("127.0.0.1:9")));

    @TempDir
    static Path buckets;
    static Map<String, List<Map<String, Object>>> rendered = new java.util.HashMap<>();

    @BeforeAll
    static void render() {
        RENDERINGS.forEach(dir -> rendered.put(dir, Repository.kustomize(dir)));
    }

    static List<Map<String, Object>> objects(String rendering, String kind) {
        return rendered.get(rendering).stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    static Map<String, Object> named(String rendering, String kind, String name) {
        return objects(rendering, kind).stream().filter(o -> name.equals(at(o, "metadata", "name"))).findFirst()
                .orElseThrow(() -> new AssertionError(rendering + " has no " + kind + " " + name));
    }

    static CloudEventService events(String service) {
        return SERVICES.get(service).apply(buckets);
    }

    static boolean accepts(String service, String type) {
        CloudEventService events = events(service);
        return events.acceptsAnyType() || events.acceptedTypes().contains(type);
    }

    @Test
    void everyServiceModuleCanBeAsked() {
        assertEquals(new LinkedHashSet<>(Repository.serviceModules()), new LinkedHashSet<>(
                Repository.serviceModules().stream().filter(SERVICES::containsKey).toList()),
                     "add each new service module to SERVICES");
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/local", "k8s/overlays/gke"})
    void everyServiceHasAKnativeServiceWithItsJibImage(String rendering) {
        for (String service : Repository.serviceModules()) {
            Map<String, Object> ksvc = named(rendering, "Service", service);
            assertEquals("serving.knative.dev/v1", ksvc.get("apiVersion"));
            String image = at(ksvc, "spec", "template", "spec", "containers", 0, "image");
            assertTrue(image.equals("event-consumers/" + service) || image.endsWith("/event-consumers/" + service),
                       rendering + ": " + service + " runs image " + image + ", not its Jib image event-consumers/"
                               + service);
            String account = at(ksvc, "spec", "template", "spec", "serviceAccountName");
            named(rendering, "ServiceAccount", account);
            assertEquals("0", at(ksvc, "spec", "template", "metadata", "annotations",
                                 "autoscaling.knative.dev/min-scale"), service + " scales to zero");
        }
    }

    @Test
    void everyServiceIsASkaffoldArtifactBuiltByJib() {
        List<Map<String, Object>> artifacts = at(Repository.yamlFile("skaffold.yaml"), "build", "artifacts");
        for (String service : Repository.serviceModules()) {
            Map<String, Object> artifact = artifacts.stream()
                    .filter(a -> ("event-consumers/" + service).equals(a.get("image"))).findFirst()
                    .orElseThrow(() -> new AssertionError("skaffold.yaml has no artifact event-consumers/" + service));
            assertEquals("dev.eventconsumers:" + service, at(artifact, "jib", "project"));
        }
    }

    @Test
    void everyServiceHasACloudRunDeployStepWithItsImage() {
        String cloudbuild = Repository.read(Repository.ROOT.resolve("cloudbuild.yaml"));
        for (String service : Repository.serviceModules()) {
            Matcher deploy = Pattern.compile("gcloud run deploy " + Pattern.quote(service) + " [^\\n]*\\\\\\n\\s*--image=(\\S+)")
                    .matcher(cloudbuild);
            assertTrue(deploy.find(), "cloudbuild.yaml does not deploy " + service);
            assertTrue(deploy.group(1).endsWith("/" + service), service + " is deployed from " + deploy.group(1));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/local", "k8s/overlays/gke"})
    void everyTriggerFiltersOnATypeItsTargetAcceptsAndDeadLetters(String rendering) {
        List<Map<String, Object>> triggers = objects(rendering, "Trigger");
        assertTrue(!triggers.isEmpty(), rendering + " has no triggers");
        for (Map<String, Object> trigger : triggers) {
            String name = at(trigger, "metadata", "name");
            String target = at(trigger, "spec", "subscriber", "ref", "name");
            named(rendering, "Service", target);
            List<String> types = new ArrayList<>();
            List<Map<String, Object>> filters = at(trigger, "spec", "filters");
            if (filters != null) {
                filters.stream().map(f -> Repository.<String>at(f, "exact", "type")).filter(t -> t != null)
                        .forEach(types::add);
            }
            String legacy = at(trigger, "spec", "filter", "attributes", "type");
            if (legacy != null) {
                types.add(legacy);
            }
            assertTrue(!types.isEmpty(), name + " filters on no exact event type");
            for (String type : types) {
                assertTrue(accepts(target, type), name + " sends " + type + " to " + target + ", which accepts only "
                        + events(target).acceptedTypes());
            }
            String sink = at(trigger, "spec", "delivery", "deadLetterSink", "ref", "name");
            assertTrue(sink != null, name + " has no delivery.deadLetterSink");
            named(rendering, "Service", sink);
            assertTrue(events(sink).acceptsAnyType(), name + " dead-letters to " + sink + ", which is no sink");
        }
        Map<String, Object> broker = objects(rendering, "Broker").getFirst();
        assertTrue(at(broker, "spec", "delivery", "deadLetterSink") != null, "the broker has no dead-letter sink");
    }

    @Test
    void everyEventarcTriggerFiltersOnATypeItsTargetAccepts() {
        String cloudbuild = Repository.read(Repository.ROOT.resolve("cloudbuild.yaml"));
        Matcher trigger = Pattern.compile("--destination-run-service=(\\S+)[^)]*?--event-filters=type=(\\S+)",
                                          Pattern.DOTALL).matcher(cloudbuild);
        int found = 0;
        while (trigger.find()) {
            found++;
            assertTrue(accepts(trigger.group(1), trigger.group(2)),
                       "Eventarc sends " + trigger.group(2) + " to " + trigger.group(1));
        }
        assertTrue(found > 0, "cloudbuild.yaml creates no Eventarc trigger");
        assertTrue(cloudbuild.contains("--dead-letter-topic="), "Eventarc subscriptions get no dead-letter topic");
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/local", "k8s/overlays/gke"})
    void manifestsSetOnlyEnvironmentVariablesTheServiceReads(String rendering) {
        for (String service : Repository.serviceModules()) {
            Map<String, Object> container = at(named(rendering, "Service", service),
                                               "spec", "template", "spec", "containers", 0);
            List<String> names = new ArrayList<>();
            List<Map<String, Object>> env = at(container, "env");
            if (env != null) {
                env.forEach(e -> names.add((String) e.get("name")));
            }
            List<Map<String, Object>> envFrom = at(container, "envFrom");
            if (envFrom != null) {
                for (Map<String, Object> source : envFrom) {
                    String configMap = at(source, "configMapRef", "name");
                    Map<String, Object> data = at(named(rendering, "ConfigMap", configMap), "data");
                    names.addAll(data.keySet());
                }
            }
            names.forEach(name -> assertNull(unreadEnv(service, name), rendering + ": " + unreadEnv(service, name)));
        }
    }

    @Test
    void cloudRunDeploysSetOnlyEnvironmentVariablesTheServiceReads() {
        String cloudbuild = Repository.read(Repository.ROOT.resolve("cloudbuild.yaml"));
        Matcher deploy = Pattern.compile("gcloud run deploy (\\S+)(.*?)--set-env-vars=(\\S+)", Pattern.DOTALL)
                .matcher(cloudbuild);
        while (deploy.find()) {
            for (String pair : deploy.group(3).split(",")) {
                String name = pair.substring(0, pair.indexOf('='));
                assertNull(unreadEnv(deploy.group(1), name), unreadEnv(deploy.group(1), name));
            }
        }
    }

    /** @return why the service would ignore this variable, or null if it reads it */
    static String unreadEnv(String service, String name) {
        if (DIRECT_ENV.contains(name)) {
            return null;
        }
        String key = name.replace("_dash_", "-").replace("_DASH_", "-").replace('_', '.').toLowerCase();
        Set<String> keys = Repository.applicationConfig(service).keySet();
        return keys.contains(key) || RUNTIME_KEYS.contains(key) ? null
                : service + " reads no " + name + " (config key " + key + ")";
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/local", "k8s/overlays/gke"})
    void probePathsAreAnsweredByTheService(String rendering) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        for (String service : Repository.serviceModules()) {
            Map<String, Object> container = at(named(rendering, "Service", service),
                                               "spec", "template", "spec", "containers", 0);
            CloudEventService events = events(service);
            WebServer server = ServiceServer.start(
                    Config.just(ConfigSources.create(Map.of("server.port", "0", "server.host", "127.0.0.1"))),
                    routing -> routing.register("/", events));
            try {
                for (String probe : List.of("readinessProbe", "livenessProbe")) {
                    String path = at(container, probe, "httpGet", "path");
                    assertTrue(path != null, service + " has no " + probe);
                    int status = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                                                                                      + path)).build(),
                                             HttpResponse.BodyHandlers.discarding()).statusCode();
                    assertTrue(status >= 200 && status < 300, service + " answers " + status + " on " + path);
                }
            } finally {
                server.stop();
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/local", "k8s/overlays/gke"})
    void pingSourcesHaveValidSchedulesAndSinksThatTakePings(String rendering) {
        for (Map<String, Object> ping : objects(rendering, "PingSource")) {
            String schedule = at(ping, "spec", "schedule");
            assertNull(Cron.problem(schedule), at(ping, "metadata", "name") + ": " + Cron.problem(schedule));
            String sink = at(ping, "spec", "sink", "ref", "name");
            if ("Broker".equals(at(ping, "spec", "sink", "ref", "kind"))) {
                continue;
            }
            assertTrue(accepts(sink, EventTypes.KNATIVE_PING), sink + " does not accept PingSource events");
        }
    }

    @Test
    void cronValidationRejectsWhatPingSourceRejects() {
        assertNull(Cron.problem("0 2 * * *"));
        assertNull(Cron.problem("*/5 * * * 1-5"));
        assertNull(Cron.problem("CRON_TZ=Europe/Paris 0 2 * * *"));
        assertTrue(Cron.problem("0 25 * * *") != null);
        assertTrue(Cron.problem("0 2 * *") != null);
        assertTrue(Cron.problem("every day") != null);
        assertTrue(Cron.problem("CRON_TZ=Mars/Base 0 2 * * *") != null);
    }
}
