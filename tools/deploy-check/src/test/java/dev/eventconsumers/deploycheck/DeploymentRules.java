package dev.eventconsumers.deploycheck;

import dev.eventconsumers.localrun.Manifests;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.eventconsumers.localrun.Manifests.at;

/**
 * The platform rules a deployment of these services keeps, each a function from deployment files to what breaks it
 * (empty: kept). {@link DeploymentConsistencyTest} applies them to the repository's files; {@link DeploymentRulesTest}
 * feeds each one a bad manifest, so a rule that stopped seeing its fault would fail the build too.
 */
final class DeploymentRules {
    /** The one service meant to be reached from outside: it verifies tokens on every route itself. */
    static final Set<String> PUBLIC = Set.of("orders-api");
    static final String VISIBILITY = "networking.knative.dev/visibility";
    static final String GSA = "iam.gke.io/gcp-service-account";

    private DeploymentRules() {
    }

    static List<Map<String, Object>> knativeServices(Manifests manifests) {
        return manifests.objects("Service").stream()
                .filter(s -> String.valueOf(s.get("apiVersion")).startsWith("serving.knative.dev/")).toList();
    }

    static String name(Map<String, Object> object) {
        return at(object, "metadata", "name");
    }

    /** Every event consumer answers only inside the cluster: no public route to post forged events to. */
    static List<String> eventConsumersAreClusterLocal(Manifests manifests) {
        List<String> faults = new ArrayList<>();
        for (Map<String, Object> service : knativeServices(manifests)) {
            if (!PUBLIC.contains(name(service))
                    && !"cluster-local".equals(at(service, "metadata", "labels", VISIBILITY))) {
                faults.add(name(service) + " is not labelled " + VISIBILITY + ": cluster-local, so it is public");
            }
        }
        return faults;
    }

    /** Every event consumer's pods take traffic only from selected namespaces (Knative's data plane). */
    static List<String> eventConsumersHaveANetworkPolicy(Manifests manifests) {
        List<String> faults = new ArrayList<>();
        for (Map<String, Object> service : knativeServices(manifests)) {
            String name = name(service);
            if (PUBLIC.contains(name)) {
                continue;
            }
            boolean guarded = false;
            for (Map<String, Object> policy : manifests.objects("NetworkPolicy")) {
                List<String> types = at(policy, "spec", "policyTypes");
                if (types == null || !types.contains("Ingress") || !selects(at(policy, "spec", "podSelector"), name)) {
                    continue;
                }
                List<Map<String, Object>> rules = at(policy, "spec", "ingress");
                boolean open = rules != null && rules.stream().anyMatch(r -> {
                    List<Map<String, Object>> from = at(r, "from");
                    return from == null || from.isEmpty()
                            || from.stream().anyMatch(f -> f.isEmpty() || Objects.equals(f.get("namespaceSelector"),
                                                                                          Map.of()));
                });
                if (open) {
                    faults.add("NetworkPolicy " + name(policy) + " lets every source reach " + name);
                }
                guarded = true;
            }
            if (!guarded) {
                faults.add(name + " has no NetworkPolicy limiting who may reach it");
            }
        }
        return faults;
    }

    private static boolean selects(Map<String, Object> selector, String service) {
        if (selector == null) {
            return false;
        }
        Map<String, Object> labels = at(selector, "matchLabels");
        if (labels != null && service.equals(labels.get("serving.knative.dev/service"))) {
            return true;
        }
        List<Map<String, Object>> expressions = at(selector, "matchExpressions");
        return expressions != null && expressions.stream().anyMatch(e -> "serving.knative.dev/service".equals(e.get("key"))
                && "In".equals(e.get("operator")) && ((List<?>) e.get("values")).contains(service));
    }

    /** Non-root, read-only root, no privilege escalation, no capabilities, the runtime's seccomp profile, /tmp. */
    static List<String> containersAreLockedDown(Manifests manifests) {
        List<String> faults = new ArrayList<>();
        for (Map<String, Object> service : knativeServices(manifests)) {
            Map<String, Object> pod = at(service, "spec", "template", "spec");
            List<Map<String, Object>> containers = at(pod, "containers");
            for (Map<String, Object> container : containers) {
                String where = name(service) + "/" + container.get("name");
                Map<String, Object> context = at(container, "securityContext");
                if (context == null) {
                    faults.add(where + " has no securityContext");
                    continue;
                }
                if (!Boolean.TRUE.equals(context.get("runAsNonRoot"))) {
                    faults.add(where + " may run as root (runAsNonRoot is not true)");
                }
                if (!Boolean.TRUE.equals(context.get("readOnlyRootFilesystem"))) {
                    faults.add(where + " has a writable root filesystem");
                }
                if (!Boolean.FALSE.equals(context.get("allowPrivilegeEscalation"))) {
                    faults.add(where + " allows privilege escalation");
                }
                List<?> dropped = at(context, "capabilities", "drop");
                if (dropped == null || !dropped.contains("ALL")) {
                    faults.add(where + " keeps its capabilities (capabilities.drop is not [ALL])");
                }
                List<?> added = at(context, "capabilities", "add");
                if (added != null && !added.isEmpty()) {
                    faults.add(where + " adds capabilities " + added);
                }
                String seccomp = at(context, "seccompProfile", "type");
                if (!"RuntimeDefault".equals(seccomp) && !"Localhost".equals(seccomp)) {
                    faults.add(where + " runs without a seccomp profile");
                }
                if (Boolean.TRUE.equals(context.get("readOnlyRootFilesystem")) && !writableTmp(pod, container)) {
                    faults.add(where + " has a read-only root but no emptyDir at /tmp, which the JVM writes");
                }
            }
        }
        return faults;
    }

    private static boolean writableTmp(Map<String, Object> pod, Map<String, Object> container) {
        List<Map<String, Object>> mounts = at(container, "volumeMounts");
        List<Map<String, Object>> volumes = at(pod, "volumes");
        if (mounts == null || volumes == null) {
            return false;
        }
        return mounts.stream().filter(m -> "/tmp".equals(m.get("mountPath")))
                .anyMatch(m -> volumes.stream().anyMatch(v -> Objects.equals(v.get("name"), m.get("name"))
                        && v.containsKey("emptyDir")));
    }

    /** Each service has its own Kubernetes account, and each of those (where mapped) its own Google account. */
    static List<String> servicesHaveTheirOwnAccounts(Manifests manifests) {
        List<String> faults = new ArrayList<>();
        Map<String, String> accountOf = new LinkedHashMap<>();
        for (Map<String, Object> service : knativeServices(manifests)) {
            String account = at(service, "spec", "template", "spec", "serviceAccountName");
            if (account == null || account.equals("default")) {
                faults.add(name(service) + " runs as the namespace's default service account");
            } else if (accountOf.containsKey(account)) {
                faults.add(name(service) + " shares the service account " + account + " with "
                                   + accountOf.get(account));
            } else {
                accountOf.put(account, name(service));
            }
        }
        Map<String, String> ksaOfGsa = new LinkedHashMap<>();
        for (Map<String, Object> ksa : manifests.objects("ServiceAccount")) {
            String gsa = at(ksa, "metadata", "annotations", GSA);
            if (gsa == null) {
                continue;
            }
            String before = ksaOfGsa.putIfAbsent(gsa, name(ksa));
            if (before != null) {
                faults.add("service accounts " + before + " and " + name(ksa) + " both act as " + gsa);
            }
        }
        return faults;
    }

    /** Every service is told its Google Cloud project (Firestore, Pub/Sub and the logs' trace links need it). */
    static List<String> servicesKnowTheirProject(Manifests manifests) {
        List<String> faults = new ArrayList<>();
        manifests.services().forEach((name, service) -> {
            if (!service.env().containsKey("GCP_PROJECT")) {
                faults.add(name + " has no GCP_PROJECT in its environment");
            }
        });
        return faults;
    }

    static List<GcpSetup.Command> cloudRunDeploys(List<GcpSetup.Command> commands) {
        return commands.stream().filter(c -> c.is("gcloud", "run", "deploy")).toList();
    }

    /** Only the API is invokable without IAM and reachable from the internet; everything else is private. */
    static List<String> cloudRunIsPrivateButTheApi(List<GcpSetup.Command> commands) {
        List<String> faults = new ArrayList<>();
        for (GcpSetup.Command deploy : cloudRunDeploys(commands)) {
            String service = deploy.target(3);
            if (PUBLIC.contains(service)) {
                continue;
            }
            if (deploy.has("allow-unauthenticated") || !deploy.has("no-allow-unauthenticated")) {
                faults.add("Cloud Run service " + service + " is public (it needs --no-allow-unauthenticated)");
            }
            if (!deploy.flag("ingress").map("internal"::equals).orElse(false)) {
                faults.add("Cloud Run service " + service + " takes traffic from the internet (--ingress=internal)");
            }
        }
        return faults;
    }

    /** Each Cloud Run service runs as its own account, never the compute default or another service's. */
    static List<String> cloudRunServicesHaveTheirOwnAccounts(List<GcpSetup.Command> commands) {
        List<String> faults = new ArrayList<>();
        Map<String, String> serviceOf = new LinkedHashMap<>();
        for (GcpSetup.Command deploy : cloudRunDeploys(commands)) {
            String service = deploy.target(3);
            String account = deploy.flag("service-account").orElse(null);
            if (account == null) {
                faults.add("Cloud Run service " + service + " runs as the compute default service account");
                continue;
            }
            String before = serviceOf.putIfAbsent(account, service);
            if (before != null && !before.equals(service)) {
                faults.add("Cloud Run services " + before + " and " + service + " share " + account);
            }
        }
        return faults;
    }

    /** @return a deploy's {@code --set-env-vars}, split on gcloud's delimiter (or the {@code ^D^} one it names) */
    static Map<String, String> cloudRunEnv(GcpSetup.Command deploy) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String value : deploy.flags("set-env-vars")) {
            String delimiter = ",";
            Matcher custom = Pattern.compile("^\\^(.+?)\\^").matcher(value);
            if (custom.find()) {
                delimiter = custom.group(1);
                value = value.substring(custom.end());
            }
            for (String pair : value.split(Pattern.quote(delimiter))) {
                int eq = pair.indexOf('=');
                env.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return env;
    }

    /** Every Cloud Run service is told its project. */
    static List<String> cloudRunServicesKnowTheirProject(List<GcpSetup.Command> commands) {
        return cloudRunDeploys(commands).stream().filter(d -> !cloudRunEnv(d).containsKey("GCP_PROJECT"))
                .map(d -> "Cloud Run service " + d.target(3) + " has no GCP_PROJECT in --set-env-vars").toList();
    }

    /** Every Cloud Run service starts with the start-up CPU boost (scale to zero makes every cold start count). */
    static List<String> cloudRunServicesBoostStartUp(List<GcpSetup.Command> commands) {
        return cloudRunDeploys(commands).stream().filter(d -> !d.has("cpu-boost"))
                .map(d -> "Cloud Run service " + d.target(3) + " is deployed without --cpu-boost").toList();
    }

    /**
     * Every role the setup grants is a row of the table in docs/operations.md ("who may do what"), and every row is
     * granted: a broader role, or a grant on a broader resource, is a fault until the table says why.
     *
     * @param commands   the setup's commands
     * @param operations docs/operations.md
     * @return grants outside the table, and rows nothing grants
     */
    static List<String> grantsMatchTheTable(List<GcpSetup.Command> commands, String operations) {
        Set<String> granted = new LinkedHashSet<>();
        for (GcpSetup.Command command : commands) {
            if (command.words().contains("add-iam-policy-binding")) {
                granted.add(grant(command));
            }
        }
        Set<String> documented = RolesTable.parse(operations);
        List<String> faults = new ArrayList<>();
        for (String grant : granted) {
            if (!documented.contains(grant)) {
                faults.add("gcp/setup.sh grants " + grant + ", which the roles table in docs/operations.md does not list");
            }
        }
        for (String row : documented) {
            if (!granted.contains(row)) {
                faults.add("docs/operations.md lists " + row + ", which gcp/setup.sh does not grant");
            }
        }
        return faults;
    }

    /** @return {@code identity | role | resource} of one add-iam-policy-binding command */
    static String grant(GcpSetup.Command command) {
        int verb = command.words().indexOf("add-iam-policy-binding");
        String kind = String.join(" ", command.words().subList(1, verb));
        String target = command.words().get(verb + 1);
        String resource = switch (kind) {
            case "projects" -> "project";
            case "pubsub topics" -> "topic " + target;
            case "pubsub subscriptions" -> "subscription " + target;
            case "secrets" -> "secret " + target;
            case "storage buckets" -> "bucket " + target.replace("gs://", "").replace(GcpSetup.PROJECT + "-", "");
            case "run services" -> "service " + target;
            case "artifacts repositories" -> "repository " + target;
            case "iam service-accounts" -> "account " + target.substring(0, target.indexOf('@'));
            default -> kind + " " + target;
        };
        return identity(command.flag("member").orElseThrow()) + " | " + command.flag("role").orElseThrow() + " | "
                + resource;
    }

    static String identity(String member) {
        Matcher ksa = Pattern.compile("serviceAccount:[^\\[]+\\.svc\\.id\\.goog\\[[^/]+/(.+)]").matcher(member);
        if (ksa.matches()) {
            return "ksa " + ksa.group(1);
        }
        if (member.contains("@gcp-sa-pubsub.")) {
            return "Pub/Sub service agent";
        }
        if (member.contains("@gs-project-accounts.")) {
            return "Cloud Storage service agent";
        }
        Matcher account = Pattern.compile("serviceAccount:([^@]+)@.*").matcher(member);
        return account.matches() ? account.group(1) : member;
    }
}
