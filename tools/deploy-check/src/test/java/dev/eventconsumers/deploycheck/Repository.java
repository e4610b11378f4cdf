package dev.eventconsumers.deploycheck;

import dev.eventconsumers.localrun.Manifests;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The repository's deployment files, read as a deployment tool would read them (YAML through {@link Manifests}). */
final class Repository {
    static final Path ROOT = findRoot();

    private Repository() {
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("skaffold.yaml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no skaffold.yaml above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    /** @return the service modules named in services/pom.xml */
    static List<String> serviceModules() {
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(read(ROOT.resolve("services/pom.xml")));
        List<String> modules = new ArrayList<>();
        while (m.find()) {
            modules.add(m.group(1).trim());
        }
        return modules;
    }

    /**
     * @param dir a kustomization below k8s/
     * @return what {@code kubectl kustomize} renders from it
     */
    static Manifests kustomize(String dir) {
        try {
            Process kubectl = new ProcessBuilder("kubectl", "kustomize", ROOT.resolve(dir).toString()).start();
            String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(kubectl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!kubectl.waitFor(60, TimeUnit.SECONDS) || kubectl.exitValue() != 0) {
                throw new AssertionError("kubectl kustomize " + dir + " failed: " + err);
            }
            return Manifests.parse(out);
        } catch (IOException e) {
            throw new UncheckedIOException("kubectl is needed to render k8s/", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param file path below the repository root
     * @return its (first) YAML document
     */
    static Map<String, Object> yamlFile(String file) {
        return Manifests.documents(ROOT.resolve(file)).getFirst();
    }

    /**
     * @param service service module
     * @return its application.yaml flattened to dotted keys
     */
    static Map<String, Object> applicationConfig(String service) {
        Map<String, Object> flat = new LinkedHashMap<>();
        flatten("", yamlFile("services/" + service + "/src/main/resources/application.yaml"), flat);
        return flat;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Map<String, Object> node, Map<String, Object> out) {
        node.forEach((key, value) -> {
            String name = prefix.isEmpty() ? key : prefix + "." + key;
            if (value instanceof Map<?, ?> child) {
                flatten(name, (Map<String, Object>) child, out);
            } else {
                out.put(name, value);
            }
        });
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
