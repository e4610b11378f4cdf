package dev.eventconsumers.deploycheck;

import dev.eventconsumers.localrun.Manifests;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Each platform rule of {@link DeploymentRules}, fed a manifest that keeps it and one that breaks it. */
class DeploymentRulesTest {
    /** A consumer as k8s/base has it: cluster-local, locked down, its own account, its project, /tmp. */
    static final String GOOD = """
            apiVersion: serving.knative.dev/v1
            kind: Service
            metadata:
              name: thumbnailer
              labels:
                networking.knative.dev/visibility: cluster-local
            spec:
              template:
                spec:
                  serviceAccountName: thumbnailer
                  volumes:
                    - name: tmp
                      emptyDir: {}
                  containers:
                    - name: thumbnailer
                      image: event-consumers/thumbnailer
                      env:
                        - name: GCP_PROJECT
                          value: my-project
                      securityContext:
                        runAsNonRoot: true
                        readOnlyRootFilesystem: true
                        allowPrivilegeEscalation: false
                        capabilities:
                          drop: [ALL]
                        seccompProfile:
                          type: RuntimeDefault
                      volumeMounts:
                        - name: tmp
                          mountPath: /tmp
            ---
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata:
              name: consumers
            spec:
              podSelector:
                matchExpressions:
                  - {key: serving.knative.dev/service, operator: In, values: [thumbnailer]}
              policyTypes: [Ingress]
              ingress:
                - from:
                    - namespaceSelector:
                        matchLabels:
                          kubernetes.io/metadata.name: knative-serving
            """;

    static Manifests good() {
        return Manifests.parse(GOOD);
    }

    static Manifests changed(String from, String to) {
        assertTrue(GOOD.contains(from), "the good manifest holds " + from);
        return Manifests.parse(GOOD.replace(from, to));
    }

    static void breaks(List<String> faults, String expected) {
        assertEquals(1, faults.size(), String.valueOf(faults));
        assertTrue(faults.getFirst().contains(expected), faults.getFirst());
    }

    @Test
    void theGoodManifestKeepsEveryRule() {
        assertEquals(List.of(), DeploymentRules.eventConsumersAreClusterLocal(good()));
        assertEquals(List.of(), DeploymentRules.eventConsumersHaveANetworkPolicy(good()));
        assertEquals(List.of(), DeploymentRules.containersAreLockedDown(good()));
        assertEquals(List.of(), DeploymentRules.servicesHaveTheirOwnAccounts(good()));
        assertEquals(List.of(), DeploymentRules.servicesKnowTheirProject(good()));
    }

    @Test
    void aConsumerWithoutClusterLocalVisibilityIsPublic() {
        breaks(DeploymentRules.eventConsumersAreClusterLocal(changed(
                "  labels:\n    networking.knative.dev/visibility: cluster-local\n", "")), "is public");
        // The API is the one exception.
        assertEquals(List.of(), DeploymentRules.eventConsumersAreClusterLocal(Manifests.parse(GOOD.replace(
                "networking.knative.dev/visibility: cluster-local", "team: shop").replace("name: thumbnailer\n",
                                                                                              "name: orders-api\n"))));
    }

    @Test
    void aConsumerNoNetworkPolicySelectsOrOneThatLetsEveryoneIn() {
        breaks(DeploymentRules.eventConsumersHaveANetworkPolicy(changed("values: [thumbnailer]", "values: [other]")),
               "has no NetworkPolicy");
        breaks(DeploymentRules.eventConsumersHaveANetworkPolicy(changed(
                "        - namespaceSelector:\n            matchLabels:\n"
                        + "              kubernetes.io/metadata.name: knative-serving\n",
                "        - namespaceSelector: {}\n")), "lets every source reach");
    }

    @Test
    void eachMissingPieceOfTheSecurityContextIsNamed() {
        breaks(DeploymentRules.containersAreLockedDown(changed("runAsNonRoot: true", "runAsNonRoot: false")),
               "may run as root");
        breaks(DeploymentRules.containersAreLockedDown(changed("allowPrivilegeEscalation: false",
                                                               "allowPrivilegeEscalation: true")),
               "allows privilege escalation");
        breaks(DeploymentRules.containersAreLockedDown(changed("drop: [ALL]", "drop: [NET_RAW]")),
               "keeps its capabilities");
        breaks(DeploymentRules.containersAreLockedDown(changed("type: RuntimeDefault", "type: Unconfined")),
               "seccomp");
        breaks(DeploymentRules.containersAreLockedDown(changed("mountPath: /tmp", "mountPath: /scratch")),
               "no emptyDir at /tmp");
        List<String> faults = DeploymentRules.containersAreLockedDown(changed("readOnlyRootFilesystem: true",
                                                                              "readOnlyRootFilesystem: false"));
        breaks(faults, "writable root filesystem");
        String bare = GOOD.substring(0, GOOD.indexOf("          securityContext:"))
                + GOOD.substring(GOOD.indexOf("          volumeMounts:"));
        breaks(DeploymentRules.containersAreLockedDown(Manifests.parse(bare)), "no securityContext");
    }

    @Test
    void servicesSharingAnAccountOrRunningAsDefaultAreFound() {
        String twin = GOOD.substring(0, GOOD.indexOf("---")).replace("name: thumbnailer\n  labels",
                                                                       "name: search-indexer\n  labels");
        breaks(DeploymentRules.servicesHaveTheirOwnAccounts(Manifests.parse(GOOD + "---\n" + twin)),
               "shares the service account thumbnailer");
        breaks(DeploymentRules.servicesHaveTheirOwnAccounts(changed("serviceAccountName: thumbnailer",
                                                                    "serviceAccountName: default")),
               "default service account");
        String accounts = """
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: thumbnailer
                  annotations:
                    iam.gke.io/gcp-service-account: runtime@p.iam.gserviceaccount.com
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: search-indexer
                  annotations:
                    iam.gke.io/gcp-service-account: runtime@p.iam.gserviceaccount.com
                """;
        breaks(DeploymentRules.servicesHaveTheirOwnAccounts(Manifests.parse(accounts)), "both act as runtime@");
    }

    @Test
    void aServiceWithoutItsProjectIsFound() {
        breaks(DeploymentRules.servicesKnowTheirProject(changed("name: GCP_PROJECT", "name: LOG_FORMAT")),
               "thumbnailer has no GCP_PROJECT");
    }

    static List<GcpSetup.Command> deploy(String line) {
        return List.of(new GcpSetup.Command(GcpSetup.words(line)));
    }

    static final String PRIVATE = "gcloud run deploy thumbnailer --image=r/thumbnailer "
            + "--service-account=thumbnailer@p.iam.gserviceaccount.com --no-allow-unauthenticated --ingress=internal "
            + "--cpu-boost --set-env-vars=LOG_FORMAT=json\\,GCP_PROJECT=p";

    @Test
    void cloudRunRulesPassAPrivateBoostedDeployOfItsOwnAccount() {
        List<GcpSetup.Command> ok = deploy(PRIVATE);
        assertEquals(List.of(), DeploymentRules.cloudRunIsPrivateButTheApi(ok));
        assertEquals(List.of(), DeploymentRules.cloudRunServicesHaveTheirOwnAccounts(ok));
        assertEquals(List.of(), DeploymentRules.cloudRunServicesKnowTheirProject(ok));
        assertEquals(List.of(), DeploymentRules.cloudRunServicesBoostStartUp(ok));
    }

    @Test
    void aPublicConsumerOnCloudRunIsFound() {
        breaks(DeploymentRules.cloudRunIsPrivateButTheApi(deploy(PRIVATE.replace("--no-allow-unauthenticated",
                                                                                  "--allow-unauthenticated"))),
               "is public");
        breaks(DeploymentRules.cloudRunIsPrivateButTheApi(deploy(PRIVATE.replace("--ingress=internal",
                                                                                  "--ingress=all"))),
               "from the internet");
        assertEquals(List.of(), DeploymentRules.cloudRunIsPrivateButTheApi(deploy(
                PRIVATE.replace("deploy thumbnailer", "deploy orders-api")
                        .replace("--no-allow-unauthenticated --ingress=internal", "--allow-unauthenticated"))));
    }

    @Test
    void cloudRunAccountsProjectAndBoostAreChecked() {
        List<GcpSetup.Command> shared = List.of(deploy(PRIVATE).getFirst(),
                                                deploy(PRIVATE.replace("deploy thumbnailer", "deploy dead-letters"))
                                                        .getFirst());
        breaks(DeploymentRules.cloudRunServicesHaveTheirOwnAccounts(shared), "share thumbnailer@");
        breaks(DeploymentRules.cloudRunServicesHaveTheirOwnAccounts(deploy(PRIVATE.replace(
                "--service-account=thumbnailer@p.iam.gserviceaccount.com ", ""))), "compute default");
        breaks(DeploymentRules.cloudRunServicesKnowTheirProject(deploy(PRIVATE.replace("\\,GCP_PROJECT=p", ""))),
               "no GCP_PROJECT");
        assertEquals(List.of(), DeploymentRules.cloudRunServicesKnowTheirProject(deploy(PRIVATE.replace(
                "--set-env-vars=LOG_FORMAT=json\\,GCP_PROJECT=p", "--set-env-vars=^\\|^A=a\\,b\\|GCP_PROJECT=p"))));
        breaks(DeploymentRules.cloudRunServicesBoostStartUp(deploy(PRIVATE.replace("--cpu-boost ", ""))),
               "without --cpu-boost");
    }

    static final String TABLE = """
            | identity | role | on | why |
            |---|---|---|---|
            | `thumbnailer` | `roles/storage.objectUser` | bucket `uploads` | thumbnails |
            | the Kubernetes service account of `thumbnailer` | `roles/iam.workloadIdentityUser` | its own Google service account | WI |
            """;

    static List<GcpSetup.Command> grants(String... lines) {
        return java.util.Arrays.stream(lines).map(l -> new GcpSetup.Command(GcpSetup.words(l))).toList();
    }

    static final String OBJECT_USER = "gcloud storage buckets add-iam-policy-binding gs://demo-project-uploads "
            + "--member=serviceAccount:thumbnailer@demo-project.iam.gserviceaccount.com --role=roles/storage.objectUser";
    static final String WORKLOAD = "gcloud iam service-accounts add-iam-policy-binding "
            + "thumbnailer@demo-project.iam.gserviceaccount.com "
            + "--member=serviceAccount:demo-project.svc.id.goog\\[default/thumbnailer\\] "
            + "--role=roles/iam.workloadIdentityUser";

    @Test
    void grantsMustBeTheTablesAndNoBroader() {
        assertEquals(List.of(), DeploymentRules.grantsMatchTheTable(grants(OBJECT_USER, WORKLOAD), TABLE));
        breaks(DeploymentRules.grantsMatchTheTable(grants(OBJECT_USER.replace("objectUser", "admin"), WORKLOAD),
                                                   TABLE).subList(0, 1), "roles/storage.admin");
        breaks(DeploymentRules.grantsMatchTheTable(grants(OBJECT_USER, WORKLOAD, "gcloud projects "
                + "add-iam-policy-binding demo-project --member=serviceAccount:thumbnailer@demo-project.iam"
                + ".gserviceaccount.com --role=roles/storage.objectUser --condition=None"), TABLE),
               "thumbnailer | roles/storage.objectUser | project");
        breaks(DeploymentRules.grantsMatchTheTable(grants(OBJECT_USER), TABLE), "does not grant");
    }
}
