package dev.eventconsumers.deploycheck;

import dev.eventconsumers.localrun.Manifests;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The images cloudbuild.yaml and skaffold.yaml ship are the images the build trained and checked, AOT cache included;
 * each rule is also shown to fail on the way the build shipped images before (a registry base, no cache).
 */
class ShippedImageTest {
    @TempDir
    Path dir;

    @Test
    void cloudBuildShipsOnlyThroughTheProvenRoute() {
        assertEquals(List.of(), ShippedImageRules.cloudBuild(Repository.yamlFile("cloudbuild.yaml")));
    }

    @Test
    void skaffoldBuildsEveryServiceThroughTheProvenRoute() {
        assertEquals(List.of(), ShippedImageRules.skaffold(Repository.yamlFile("skaffold.yaml"),
                                                           Repository.serviceModules()));
    }

    @Test
    void theScriptsRunTheWholeRoute() {
        assertEquals(List.of(), ShippedImageRules.scripts(read("tools/container-images/ship-images"),
                                                          read("tools/container-images/skaffold-build")));
    }

    @Test
    void theProductionProfilePushesTheCheckedImageWithItsCache() {
        List<String> problems = new ArrayList<>(ShippedImageRules.servicesPom(read("services/pom.xml")));
        for (String service : Repository.serviceModules()) {
            problems.addAll(ShippedImageRules.modulePom(service, read("services/" + service + "/pom.xml")));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void aRegistryBaseWithoutTheCacheIsRefused() throws IOException {
        Map<String, Object> before = yaml("""
                steps:
                  - id: test
                    name: eclipse-temurin:25-jdk
                    entrypoint: ./mvnw
                    args: ["-B", "verify", "-Dimages.skip=true"]
                  - id: images
                    name: eclipse-temurin:25-jdk
                    entrypoint: ./mvnw
                    args: ["-B", "-Pproduction", "package", "-DskipTests",
                           "-Dimages.registry=${_REGION}-docker.pkg.dev/${PROJECT_ID}/event-consumers"]
                """);
        List<String> problems = ShippedImageRules.cloudBuild(before);
        assertTrue(problems.stream().anyMatch(p -> p.contains("around ship-images")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.contains("exactly one")), problems.toString());

        Map<String, Object> jib = yaml("""
                build:
                  artifacts:
                    - image: event-consumers/dead-letters
                      jib:
                        project: dev.eventconsumers:dead-letters
                        args: ["-Dimages.skip=true", "-Dimages.base=eclipse-temurin:25-jre-noble"]
                """);
        assertFalse(ShippedImageRules.skaffold(jib, List.of("dead-letters")).isEmpty());

        String pom = read("services/pom.xml");
        String registryBase = pom.replace("<images.push.skip>${images.skip}</images.push.skip>",
                                          "<images.base>eclipse-temurin:25-jre-noble</images.base>"
                                                  + "<images.skip>true</images.skip>");
        List<String> base = ShippedImageRules.servicesPom(registryBase);
        assertTrue(base.stream().anyMatch(p -> p.contains("sets images.skip")), base.toString());
        assertTrue(base.stream().anyMatch(p -> p.contains("sets images.base")), base.toString());
        int push = pom.indexOf("<id>image-push</id>");
        String noCache = pom.substring(0, push) + pom.substring(push).replaceFirst(
                "<jvmFlag>-XX:AOTCache=/app/aot/app.aot</jvmFlag>", "");
        List<String> flag = ShippedImageRules.servicesPom(noCache);
        assertTrue(flag.stream().anyMatch(p -> p.startsWith("the pushed image does not start with")), flag.toString());

        assertFalse(ShippedImageRules.scripts("./mvnw -Pproduction verify -Dimages.skip=true",
                                              "ship-images").isEmpty());
    }

    private Map<String, Object> yaml(String text) throws IOException {
        return Manifests.documents(Files.writeString(dir.resolve("f.yaml"), text)).getFirst();
    }

    private static String read(String file) {
        return Repository.read(Repository.ROOT.resolve(file));
    }
}
