package dev.eventconsumers.deploycheck;

import dev.eventconsumers.localrun.Manifests;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static dev.eventconsumers.localrun.Manifests.at;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code gcp/setup.sh} is valid shell, and creates every Google Cloud resource the services, their deploys and triggers
 * use: buckets, topics, secrets, service accounts, and the Firestore indexes and TTL policies of
 * {@code gcp/firestore.indexes.json} on collections the code uses.
 */
class GcpSetupTest {
    static List<GcpSetup.Command> setup;

    @BeforeAll
    static void dryRun() {
        setup = GcpSetup.dryRun("--cluster", "demo-cluster", "--cluster-location", GcpSetup.REGION, "all", "gke");
    }

    static List<Path> scripts() throws IOException {
        try (Stream<Path> files = Files.list(Repository.ROOT.resolve("gcp"))) {
            return files.filter(f -> f.toString().endsWith(".sh")).sorted().toList();
        }
    }

    static String run(String... command) throws Exception {
        Process process;
        try {
            process = new ProcessBuilder(command).directory(Repository.ROOT.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new AssertionError(command[0] + " is needed (Debian: apt-get install " + command[0] + "; .ci/run "
                                             + "installs it)", e);
        }
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not finish");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    @Test
    void theScriptsPassBashAndShellcheck() throws Exception {
        List<Path> scripts = scripts();
        assertTrue(!scripts.isEmpty());
        for (Path script : scripts) {
            run("bash", "-n", script.toString());
            run("shellcheck", "--severity=style", script.toString());
        }
    }

    static Set<String> created(String... prefix) {
        Set<String> names = new LinkedHashSet<>();
        setup.stream().filter(c -> c.is(prefix)).forEach(c -> names.add(c.target(prefix.length)));
        return names;
    }

    @Test
    void everyBucketAServiceOrTriggerUsesIsCreated() {
        Set<String> buckets = new LinkedHashSet<>();
        created("gcloud", "storage", "buckets", "create").forEach(b -> buckets.add(b.replace("gs://", "")));
        Set<String> used = new LinkedHashSet<>();
        for (GcpSetup.Command deploy : DeploymentRules.cloudRunDeploys(setup)) {
            DeploymentRules.cloudRunEnv(deploy).forEach((name, value) -> {
                if (name.endsWith("_BUCKET")) {
                    used.add(value);
                }
            });
        }
        setup.stream().filter(c -> c.is("gcloud", "eventarc", "triggers", "create"))
                .flatMap(c -> c.flags("event-filters").stream()).filter(f -> f.startsWith("bucket="))
                .forEach(f -> used.add(f.substring(7)));
        // The GKE overlay names the same buckets, with its PROJECT placeholder.
        Manifests gke = Repository.kustomize("k8s/overlays/gke");
        gke.services().values().forEach(s -> s.env().forEach((name, value) -> {
            if (name.endsWith("_BUCKET")) {
                used.add(value.replace("PROJECT", GcpSetup.PROJECT));
            }
        }));
        assertEquals(3, used.size(), "uploads, reports and dead letters: " + used);
        assertTrue(buckets.containsAll(used), "used " + used + ", created " + buckets);
    }

    @Test
    void everyTopicSecretAndAccountInUseIsCreated() {
        Set<String> topics = created("gcloud", "pubsub", "topics", "create");
        Set<String> usedTopics = new LinkedHashSet<>();
        for (GcpSetup.Command command : setup) {
            command.flags("transport-topic").forEach(t -> usedTopics.add(t.substring(t.lastIndexOf('/') + 1)));
            command.flags("dead-letter-topic").forEach(usedTopics::add);
            command.flags("topic").forEach(usedTopics::add);
        }
        DeploymentRules.cloudRunDeploys(setup).forEach(d -> {
            String topic = DeploymentRules.cloudRunEnv(d).get("OUTBOX_TOPIC");
            if (topic != null) {
                usedTopics.add(topic);
            }
        });
        for (String service : List.of("orders-api", "order-worker")) {
            usedTopics.add(String.valueOf(Repository.applicationConfig(service).get("outbox.topic")));
        }
        assertTrue(topics.containsAll(usedTopics), "used " + usedTopics + ", created " + topics);

        Set<String> secrets = created("gcloud", "secrets", "create");
        DeploymentRules.cloudRunDeploys(setup).forEach(d -> d.flags("set-secrets").forEach(s -> {
            String secret = s.substring(s.indexOf('=') + 1, s.lastIndexOf(':'));
            assertTrue(secrets.contains(secret), d.target(3) + " reads secret " + secret + ", which is not created");
        }));

        Set<String> accounts = created("gcloud", "iam", "service-accounts", "create");
        for (GcpSetup.Command command : setup) {
            for (String flag : List.of("service-account", "push-auth-service-account", "oidc-service-account-email")) {
                command.flags(flag).forEach(a -> assertTrue(accounts.contains(a.substring(0, a.indexOf('@'))),
                                                            command + " acts as " + a + ", which is not created"));
            }
        }
        assertTrue(accounts.containsAll(Repository.serviceModules()), "one account per service: " + accounts);
    }

    @Test
    void firestoreIndexesAndTtlPoliciesAreDeployedOnCollectionsTheCodeUses() throws IOException {
        Map<String, Object> file = Manifests.documents(Repository.ROOT.resolve("gcp/firestore.indexes.json")).getFirst();
        List<Map<String, Object>> indexes = at(file, "indexes");
        List<String> expected = new ArrayList<>();
        Set<String> groups = new LinkedHashSet<>();
        for (Map<String, Object> index : indexes) {
            String group = (String) index.get("collectionGroup");
            groups.add(group);
            StringBuilder key = new StringBuilder(group + ":" + index.get("queryScope"));
            for (Map<String, Object> field : Manifests.<List<Map<String, Object>>>at(index, "fields")) {
                if (!"__name__".equals(field.get("fieldPath"))) {
                    key.append(" ").append(field.get("fieldPath")).append("=")
                            .append(String.valueOf(field.get("order")).toLowerCase());
                }
            }
            expected.add(key.toString());
        }
        List<String> deployed = new ArrayList<>();
        for (GcpSetup.Command c : setup) {
            if (c.is("gcloud", "firestore", "indexes", "composite", "create")) {
                StringBuilder key = new StringBuilder(c.flag("collection-group").orElseThrow() + ":"
                                                              + c.flag("query-scope").orElseThrow());
                for (String config : c.flags("field-config")) {
                    Matcher m = Pattern.compile("field-path=([^,]+),order=(\\w+)").matcher(config);
                    assertTrue(m.matches(), config);
                    key.append(" ").append(m.group(1)).append("=").append(m.group(2));
                }
                deployed.add(key.toString());
            }
        }
        assertEquals(expected, deployed, "the composite indexes of gcp/firestore.indexes.json");

        List<String> ttls = new ArrayList<>();
        for (Map<String, Object> override : Manifests.<List<Map<String, Object>>>at(file, "fieldOverrides")) {
            if (Boolean.TRUE.equals(override.get("ttl"))) {
                groups.add((String) override.get("collectionGroup"));
                ttls.add(override.get("collectionGroup") + "." + override.get("fieldPath"));
            }
        }
        List<String> deployedTtls = setup.stream().filter(c -> c.is("gcloud", "firestore", "fields", "ttls", "update")
                && c.has("enable-ttl")).map(c -> c.flag("collection-group").orElseThrow() + "." + c.target(5)).toList();
        assertEquals(ttls, deployedTtls, "the TTL policies of gcp/firestore.indexes.json");

        String code = mainSources();
        for (String group : groups) {
            assertTrue(code.contains("\"" + group + "\""), "gcp/firestore.indexes.json indexes " + group
                    + ", a collection no service names");
        }
    }

    static String mainSources() throws IOException {
        StringBuilder all = new StringBuilder();
        for (String top : List.of("libs", "services")) {
            try (Stream<Path> files = Files.walk(Repository.ROOT.resolve(top))) {
                for (Path f : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/"))
                        .toList()) {
                    all.append(Files.readString(f));
                }
            }
        }
        return all.toString();
    }
}
