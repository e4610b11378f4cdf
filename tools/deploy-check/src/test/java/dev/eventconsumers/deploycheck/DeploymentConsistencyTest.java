package dev.eventconsumers.deploycheck;

import dev.eventconsumers.cloudevents.EventTypes;
import dev.eventconsumers.localrun.Cron;
import dev.eventconsumers.localrun.Manifests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.eventconsumers.localrun.Manifests.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fails when the deployment files drift from the services: a service module without its Knative Service, skaffold
 * artifact or Cloud Run deploy; an image name other than Jib's; a Trigger or Eventarc filter on an event type the
 * target does not accept (asked of the built service itself, run from its jar); a Trigger without a dead-letter
 * sink; an environment variable the service does not read; a probe path the service does not answer; an invalid
 * PingSource schedule; and every platform rule of {@link DeploymentRules} (private, locked down, own accounts, project
 * set, grants as documented). The Cloud Run side is read from {@code gcp/setup.sh --dry-run}.
 */
class DeploymentConsistencyTest {
    static final List<String> RENDERINGS = List.of("k8s/base", "k8s/overlays/local", "k8s/overlays/gke",
                                                   "k8s/overlays/monitoring");
    /** Read straight from the environment rather than through config keys. */
    static final Set<String> DIRECT_ENV = Set.of("PORT", "GOOGLE_CLOUD_PROJECT", "STORAGE_EMULATOR_HOST",
                                           "FIRESTORE_EMULATOR_HOST", "PUBSUB_EMULATOR_HOST",
                                           "OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                                           "OTEL_EXPORTER_OTLP_HEADERS", "OTEL_SERVICE_NAME");
    /** Config keys every service reads (service-runtime) besides its application.yaml. */
    static final Set<String> RUNTIME_KEYS = Set.of("log.format", "log.level", "gcp.project", "blobstore.kind",
                                                   "blobstore.root", "blobstore.emulator");

    static RunningServices services;
    static Map<String, Manifests> rendered = new HashMap<>();
    /** Everything gcp/setup.sh would run for Cloud Run and for GKE. */
    static List<GcpSetup.Command> setup;

    @BeforeAll
    static void render() {
        RENDERINGS.forEach(dir -> rendered.put(dir, Repository.kustomize(dir)));
        setup = GcpSetup.dryRun("--cluster", "demo-cluster", "--cluster-location", GcpSetup.REGION, "all", "gke");
        services = RunningServices.start(Repository.ROOT, Repository.serviceModules());
    }

    @AfterAll
    static void stopServices() {
        if (services != null) {
            services.close();
        }
    }

    static List<Map<String, Object>> objects(String rendering, String kind) {
        return rendered.get(rendering).objects(kind);
    }

    static Map<String, Object> named(String rendering, String kind, String name) {
        return objects(rendering, kind).stream().filter(o -> name.equals(at(o, "metadata", "name"))).findFirst()
                .orElseThrow(() -> new AssertionError(rendering + " has no " + kind + " " + name));
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/local", "k8s/overlays/gke", "k8s/overlays/monitoring"})
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
    void everyServiceIsDeployedToCloudRunFromItsImageByTheBuild() {
        for (String service : Repository.serviceModules()) {
            GcpSetup.Command deploy = DeploymentRules.cloudRunDeploys(setup).stream()
                    .filter(d -> d.target(3).equals(service)).findFirst()
                    .orElseThrow(() -> new AssertionError("gcp/setup.sh deploy does not deploy " + service));
            assertEquals(GcpSetup.REGION + "-docker.pkg.dev/" + GcpSetup.PROJECT + "/event-consumers/" + service,
                         deploy.flag("image").orElseThrow());
        }
        String cloudbuild = Repository.read(Repository.ROOT.resolve("cloudbuild.yaml"));
        assertTrue(cloudbuild.contains("\"${_REGION}-docker.pkg.dev/${PROJECT_ID}/event-consumers\""),
                   "cloudbuild.yaml pushes the images where gcp/setup.sh deploys them from");
        Matcher step = Pattern.compile("args: \\[\"gcp/setup.sh\",([^\\]]*)]", Pattern.DOTALL).matcher(cloudbuild);
        assertTrue(step.find(), "cloudbuild.yaml does not call gcp/setup.sh");
        assertTrue(step.group(1).contains("\"deploy\"") && step.group(1).contains("\"wire\""),
                   "cloudbuild.yaml deploys and wires through gcp/setup.sh: " + step.group(1));
        assertTrue(cloudbuild.contains("serviceAccounts/deployer@"), "Cloud Build runs as the deployer account");
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/local", "k8s/overlays/gke", "k8s/overlays/monitoring"})
    void knativeServicesArePrivateLockedDownAndOnTheirOwnAccounts(String rendering) {
        Manifests manifests = rendered.get(rendering);
        List<String> faults = new ArrayList<>();
        faults.addAll(DeploymentRules.eventConsumersAreClusterLocal(manifests));
        faults.addAll(DeploymentRules.eventConsumersHaveANetworkPolicy(manifests));
        faults.addAll(DeploymentRules.containersAreLockedDown(manifests));
        faults.addAll(DeploymentRules.servicesHaveTheirOwnAccounts(manifests));
        faults.addAll(DeploymentRules.servicesKnowTheirProject(manifests));
        assertEquals(List.of(), faults, rendering);
    }

    @Test
    void theGkeOverlayMapsEveryServiceToItsOwnGoogleAccount() {
        for (String service : Repository.serviceModules()) {
            Map<String, Object> account = named("k8s/overlays/gke", "ServiceAccount", service);
            assertEquals(service + "@PROJECT.iam.gserviceaccount.com",
                         at(account, "metadata", "annotations", DeploymentRules.GSA));
        }
    }

    @Test
    void cloudRunServicesArePrivateButTheApiEachOnItsOwnAccount() {
        List<String> faults = new ArrayList<>();
        faults.addAll(DeploymentRules.cloudRunIsPrivateButTheApi(setup));
        faults.addAll(DeploymentRules.cloudRunServicesHaveTheirOwnAccounts(setup));
        faults.addAll(DeploymentRules.cloudRunServicesKnowTheirProject(setup));
        faults.addAll(DeploymentRules.cloudRunServicesBoostStartUp(setup));
        for (GcpSetup.Command deploy : DeploymentRules.cloudRunDeploys(setup)) {
            assertEquals(deploy.target(3) + "@" + GcpSetup.PROJECT + ".iam.gserviceaccount.com",
                         deploy.flag("service-account").orElse(""), "each service runs as the account of its name");
        }
        assertEquals(List.of(), faults);
    }

    @Test
    void everyMetricTheAlertsDashboardsAndRulesNameIsOneTheServicesEmit() throws Exception {
        // Services register their meters in the background right after start: give them a moment.
        Set<String> families = new java.util.TreeSet<>();
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        do {
            families.clear();
            for (String service : Repository.serviceModules()) {
                Matcher type = Pattern.compile("(?m)^# TYPE (\\S+) ").matcher(services.metrics(service));
                while (type.find()) {
                    families.add(type.group(1));
                }
            }
        } while (!families.contains("dead_letters_kept_total") && System.nanoTime() < deadline && pause());
        List<String> missing = new ArrayList<>();
        int named = 0;
        try (var files = java.nio.file.Files.list(Repository.ROOT.resolve("gcp/monitoring"))) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".json")).toList()) {
                Matcher metric = Pattern.compile("workload\\.googleapis\\.com/([A-Za-z0-9_.]+)")
                        .matcher(Repository.read(file));
                while (metric.find()) {
                    named++;
                    if (!emitted(families, metric.group(1).replace('.', '_'))) {
                        missing.add(file.getFileName() + ": " + metric.group(1));
                    }
                }
            }
        }
        for (Map<String, Object> rule : objects("k8s/overlays/monitoring", "PrometheusRule")) {
            List<Map<String, Object>> groups = at(rule, "spec", "groups");
            for (Map<String, Object> group : groups) {
                for (Map<String, Object> alert : Manifests.<List<Map<String, Object>>>at(group, "rules")) {
                    Matcher selector = Pattern.compile("([a-z_][a-z0-9_]*)\\s*[{\\[]").matcher((String) alert.get("expr"));
                    while (selector.find()) {
                        named++;
                        String name = selector.group(1).replaceAll("_(bucket|count|sum)$", "");
                        if (!families.contains(name)) {
                            missing.add("rule " + alert.get("alert") + ": " + selector.group(1));
                        }
                    }
                }
            }
        }
        assertTrue(named > 20, "the monitoring files name " + named + " metrics");
        assertEquals(List.of(), missing, "emitted: " + families);
    }

    static boolean pause() {
        try {
            Thread.sleep(200);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** A dotted OpenTelemetry name is exposed as its Prometheus family, with a unit or _total suffix. */
    static boolean emitted(Set<String> families, String prometheusName) {
        return families.stream().anyMatch(f -> f.equals(prometheusName) || f.startsWith(prometheusName + "_")
                && f.substring(prometheusName.length() + 1).matches("(seconds|events|minor_units|orders|total)(_total)?"));
    }

    @Test
    void everyGrantIsInTheRolesTable() {
        assertEquals(List.of(), DeploymentRules.grantsMatchTheTable(
                setup, Repository.read(Repository.ROOT.resolve("docs/operations.md"))));
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/local", "k8s/overlays/gke", "k8s/overlays/monitoring"})
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
                filters.stream().map(f -> Manifests.<String>at(f, "exact", "type")).filter(t -> t != null)
                        .forEach(types::add);
            }
            String legacy = at(trigger, "spec", "filter", "attributes", "type");
            if (legacy != null) {
                types.add(legacy);
            }
            assertTrue(!types.isEmpty(), name + " filters on no exact event type");
            for (String type : types) {
                assertTrue(services.accepts(target, type), name + " sends " + type + " to " + target
                        + ", which accepts only " + services.acceptedTypes(target));
            }
            String sink = at(trigger, "spec", "delivery", "deadLetterSink", "ref", "name");
            assertTrue(sink != null, name + " has no delivery.deadLetterSink");
            named(rendering, "Service", sink);
            assertTrue(services.acceptsAnyType(sink), name + " dead-letters to " + sink + ", which is no sink");
        }
        Map<String, Object> broker = objects(rendering, "Broker").getFirst();
        assertTrue(at(broker, "spec", "delivery", "deadLetterSink") != null, "the broker has no dead-letter sink");
    }

    @Test
    void everyEventarcTriggerFiltersOnATypeItsTargetAcceptsAndDeadLetters() {
        int found = 0;
        for (GcpSetup.Command trigger : setup) {
            if (!trigger.is("gcloud", "eventarc", "triggers", "create")) {
                continue;
            }
            found++;
            String name = trigger.target(4);
            String target = trigger.flag("destination-run-service").or(() -> trigger.flag("destination-gke-service"))
                    .orElseThrow(() -> new AssertionError(name + " has no destination"));
            String type = trigger.flags("event-filters").stream().filter(f -> f.startsWith("type="))
                    .map(f -> f.substring(5)).findFirst().orElseThrow(() -> new AssertionError(name + " has no type"));
            assertTrue(services.accepts(target, type), "Eventarc trigger " + name + " sends " + type + " to " + target);
            boolean deadLetters = target.equals("dead-letters") || setup.stream().anyMatch(
                    c -> c.is("gcloud", "pubsub", "subscriptions", "update") && c.target(4).contains(name + "-sub")
                            && c.flag("dead-letter-topic").isPresent());
            assertTrue(deadLetters, "Eventarc trigger " + name + " gets no dead-letter topic");
        }
        assertTrue(found >= 6, "gcp/setup.sh creates " + found + " Eventarc triggers (Cloud Run and GKE)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/local", "k8s/overlays/gke", "k8s/overlays/monitoring"})
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
        for (GcpSetup.Command deploy : DeploymentRules.cloudRunDeploys(setup)) {
            String service = deploy.target(3);
            List<String> names = new ArrayList<>(DeploymentRules.cloudRunEnv(deploy).keySet());
            deploy.flags("set-secrets").forEach(s -> names.add(s.substring(0, s.indexOf('='))));
            names.forEach(name -> assertNull(unreadEnv(service, name), unreadEnv(service, name)));
        }
    }

    /** @return why the service would ignore this variable, or null if it reads it */
    static String unreadEnv(String service, String name) {
        if (DIRECT_ENV.contains(name)) {
            return null;
        }
        String key = name.replace("_dash_", "-").replace("_DASH_", "-").replace('_', '.').toLowerCase();
        Set<String> keys = Repository.applicationConfig(service).keySet();
        // server.* is Helidon's own (sockets, observe features and their metrics publishers).
        return keys.contains(key) || RUNTIME_KEYS.contains(key) || key.startsWith("server.") ? null
                : service + " reads no " + name + " (config key " + key + ")";
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/local", "k8s/overlays/gke", "k8s/overlays/monitoring"})
    void probePathsAreAnsweredByTheService(String rendering) {
        for (String service : Repository.serviceModules()) {
            Map<String, Object> container = at(named(rendering, "Service", service),
                                               "spec", "template", "spec", "containers", 0);
            for (String probe : List.of("readinessProbe", "livenessProbe")) {
                String path = at(container, probe, "httpGet", "path");
                assertTrue(path != null, service + " has no " + probe);
                int status = services.status(service, path);
                assertTrue(status >= 200 && status < 300, service + " answers " + status + " on " + path);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"k8s/base", "k8s/overlays/local", "k8s/overlays/gke", "k8s/overlays/monitoring"})
    void pingSourcesHaveValidSchedulesAndSinksThatTakePings(String rendering) {
        for (Map<String, Object> ping : objects(rendering, "PingSource")) {
            String schedule = at(ping, "spec", "schedule");
            try {
                Cron.parse(schedule);
            } catch (IllegalArgumentException e) {
                throw new AssertionError(at(ping, "metadata", "name") + ": " + e.getMessage(), e);
            }
            String sink = at(ping, "spec", "sink", "ref", "name");
            if ("Broker".equals(at(ping, "spec", "sink", "ref", "kind"))) {
                continue;
            }
            assertTrue(services.accepts(sink, EventTypes.KNATIVE_PING), sink + " does not accept PingSource events");
        }
    }
}
