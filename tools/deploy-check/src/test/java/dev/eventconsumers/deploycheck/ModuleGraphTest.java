package dev.eventconsumers.deploycheck;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The module graph of docs/architecture.md, read from every pom.xml: dependencies point down (services -> libs ->
 * cloudevents), no module depends on a test-jar, no module depends on a service, and the test kit depends on nothing
 * of ours, so that libraries and services can use it. A build plugin may take one module of ours, the Jib extension
 * the images are built with, which depends on nothing of ours either.
 */
class ModuleGraphTest {
    /** What each kind of module may depend on among our own artifacts (at any scope). */
    static final Map<String, Set<String>> ALLOWED = Map.of(
            "cloudevents", Set.of("problem-json", "telemetry", "testkit"),
            "libs", Set.of("problem-json", "telemetry", "service-runtime", "blob-store", "bearer-auth", "order-store", "order-search",
                           "cloudevents", "testkit"),
            "services", Set.of("problem-json", "telemetry", "service-runtime", "blob-store", "bearer-auth", "order-store",
                               "order-search", "cloudevents", "testkit"),
            "tools/testkit", Set.of(),
            "tools/stored-jars", Set.of(),
            "tools", Set.of("problem-json", "telemetry", "service-runtime", "blob-store", "bearer-auth", "order-store",
                            "order-search", "cloudevents", "testkit", "local-run"));

    /** Allowed besides, at test scope only: the binding's tests run it inside the real server settings. */
    static final Map<String, Set<String>> ALLOWED_IN_TESTS = Map.of("cloudevents", Set.of("service-runtime"));

    /** What a build plugin may take among our own artifacts: Jib, the extension that stores the images' jars. */
    static final Set<String> ALLOWED_IN_PLUGINS = Set.of("stored-jars");

    record Dependency(Path pom, String artifact, String type, String scope, boolean ofPlugin) {
    }

    static List<Dependency> dependencies() throws Exception {
        List<Dependency> all = new ArrayList<>();
        try (Stream<Path> poms = Files.walk(Repository.ROOT)) {
            for (Path pom : poms.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("functions-framework"))
                    .toList()) {
                NodeList dependencies = Pom.parse(pom).getElementsByTagName("dependency");
                for (int i = 0; i < dependencies.getLength(); i++) {
                    Element dependency = (Element) dependencies.item(i);
                    if ("dependencyManagement".equals(dependency.getParentNode().getParentNode().getNodeName())) {
                        continue;
                    }
                    if (Pom.childText(dependency, "groupId").equals("dev.eventconsumers") || !Pom.childText(dependency, "type").isEmpty()) {
                        all.add(new Dependency(Repository.ROOT.relativize(pom), Pom.childText(dependency, "artifactId"),
                                               Pom.childText(dependency, "type"), Pom.childText(dependency, "scope"),
                                               "plugin".equals(dependency.getParentNode().getParentNode().getNodeName())));
                    }
                }
            }
        }
        return all;
    }

    static String kind(Path pom) {
        String path = pom.toString();
        if (path.startsWith("tools/testkit/")) {
            return "tools/testkit";
        }
        if (path.startsWith("tools/stored-jars/")) {
            return "tools/stored-jars";
        }
        return path.contains("/") ? path.substring(0, path.indexOf('/')) : "root";
    }

    @Test
    void noModuleDependsOnATestJar() throws Exception {
        assertEquals(List.of(), dependencies().stream().filter(d -> d.type().equals("test-jar")).toList());
    }

    @Test
    void noModuleDependsOnAService() throws Exception {
        Set<String> services = Set.copyOf(Repository.serviceModules());
        assertEquals(List.of(), dependencies().stream().filter(d -> services.contains(d.artifact())).toList());
    }

    @Test
    void dependenciesPointDown() throws Exception {
        List<String> wrong = new ArrayList<>();
        for (Dependency d : dependencies()) {
            Set<String> allowed = d.ofPlugin() ? ALLOWED_IN_PLUGINS : ALLOWED.get(kind(d.pom()));
            boolean testOnly = d.scope().equals("test")
                    && ALLOWED_IN_TESTS.getOrDefault(kind(d.pom()), Set.of()).contains(d.artifact());
            if (allowed != null && !d.artifact().isEmpty() && !allowed.contains(d.artifact()) && !testOnly
                    && !d.type().equals("pom") && !d.type().equals("zip")) {
                wrong.add(d.pom() + " -> " + d.artifact());
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyModuleIsInTheTable() throws IOException {
        try (Stream<Path> poms = Files.walk(Repository.ROOT)) {
            poms.filter(p -> p.getFileName().toString().equals("pom.xml"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("functions-framework"))
                    .map(p -> kind(Repository.ROOT.relativize(p)))
                    .forEach(kind -> assertTrue(kind.equals("root") || ALLOWED.containsKey(kind), kind));
        }
    }
}
