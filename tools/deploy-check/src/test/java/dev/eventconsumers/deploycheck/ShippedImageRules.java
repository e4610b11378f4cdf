package dev.eventconsumers.deploycheck;

import org.w3c.dom.Element;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static dev.eventconsumers.deploycheck.Pom.child;
import static dev.eventconsumers.deploycheck.Pom.children;
import static dev.eventconsumers.deploycheck.Pom.parse;
import static dev.eventconsumers.deploycheck.Pom.text;

/**
 * The images users deploy carry the AOT cache the build recorded and proved: cloudbuild.yaml and skaffold.yaml build
 * them only through {@code tools/container-images/ship-images}, which runs the production profile's whole route (train,
 * check, push), and that profile pushes the image with the cache. Each rule returns what is wrong, empty when nothing.
 */
final class ShippedImageRules {
    static final String SHIP = "tools/container-images/ship-images";
    static final String SKAFFOLD_BUILD = "tools/container-images/skaffold-build";
    static final String REGISTRY = "${_REGION}-docker.pkg.dev/${PROJECT_ID}/event-consumers";
    static final String AOT_FLAG = "-XX:AOTCache=/app/aot/app.aot";

    private ShippedImageRules() {
    }

    /** @param cloudbuild cloudbuild.yaml */
    @SuppressWarnings("unchecked")
    static List<String> cloudBuild(Map<String, Object> cloudbuild) {
        List<String> problems = new ArrayList<>();
        List<Map<String, Object>> steps = (List<Map<String, Object>>) cloudbuild.getOrDefault("steps", List.of());
        int shipping = 0;
        for (Map<String, Object> step : steps) {
            List<String> args = ((List<Object>) step.getOrDefault("args", List.of())).stream().map(String::valueOf)
                    .toList();
            String id = String.valueOf(step.get("id"));
            int ship = args.indexOf(SHIP);
            if (ship >= 0) {
                shipping++;
                if (!args.contains("--privileged")) {
                    problems.add("step " + id + " runs ship-images without --privileged (its image checks chroot)");
                }
                if (ship + 1 >= args.size() || !args.get(ship + 1).equals(REGISTRY)) {
                    problems.add("step " + id + " does not ship to " + REGISTRY + ", where gcp/setup.sh deploys from");
                }
            }
            String joined = String.join(" ", args) + " " + Objects.toString(step.get("entrypoint"), "");
            if (joined.contains("-Pproduction") || joined.contains("jib:")) {
                problems.add("step " + id + " builds images around ship-images (-Pproduction or a jib goal): " + joined);
            }
        }
        if (shipping != 1) {
            problems.add("cloudbuild.yaml has " + shipping + " steps running " + SHIP + "; exactly one ships the images");
        }
        return problems;
    }

    /**
     * @param skaffold skaffold.yaml
     * @param services the service modules
     */
    @SuppressWarnings("unchecked")
    static List<String> skaffold(Map<String, Object> skaffold, List<String> services) {
        List<String> problems = new ArrayList<>();
        Map<String, Object> build = (Map<String, Object>) skaffold.getOrDefault("build", Map.of());
        List<Map<String, Object>> artifacts = (List<Map<String, Object>>) build.getOrDefault("artifacts", List.of());
        for (String service : services) {
            Optional<Map<String, Object>> artifact = artifacts.stream()
                    .filter(a -> ("event-consumers/" + service).equals(a.get("image"))).findFirst();
            if (artifact.isEmpty()) {
                problems.add("skaffold.yaml has no artifact event-consumers/" + service);
                continue;
            }
            Object custom = artifact.get().get("custom");
            String command = custom instanceof Map<?, ?> c ? String.valueOf(c.get("buildCommand")) : null;
            if (!(SKAFFOLD_BUILD + " " + service).equals(command)) {
                problems.add("skaffold.yaml builds " + service + " with " + (command != null ? command
                        : artifact.get().keySet()) + ", not " + SKAFFOLD_BUILD + " " + service);
            }
        }
        for (Map<String, Object> profile : (List<Map<String, Object>>) skaffold.getOrDefault("profiles", List.of())) {
            if (profile.get("build") instanceof Map<?, ?> b && b.containsKey("artifacts")) {
                problems.add("skaffold profile " + profile.get("name") + " replaces the artifacts' builder");
            }
        }
        return problems;
    }

    /**
     * @param shipImages    tools/container-images/ship-images
     * @param skaffoldBuild tools/container-images/skaffold-build
     */
    static List<String> scripts(String shipImages, String skaffoldBuild) {
        List<String> problems = new ArrayList<>();
        if (!shipImages.contains("-Pproduction verify")) {
            problems.add("ship-images does not run the production route through verify (train, check, push)");
        }
        if (shipImages.contains("images.skip") || skaffoldBuild.contains("images.skip")) {
            problems.add("ship-images or skaffold-build skips the image route (images.skip)");
        }
        if (!skaffoldBuild.contains(SHIP)) {
            problems.add("skaffold-build does not build through ship-images");
        }
        return problems;
    }

    /** @param servicesPom services/pom.xml */
    static List<String> servicesPom(String servicesPom) {
        List<String> problems = new ArrayList<>();
        Element project = parse(servicesPom);
        Element production = profile(project, "production");
        Element images = profile(project, "service-image");
        if (production == null || images == null) {
            return List.of("services/pom.xml lacks the service-image or production profile");
        }
        Element properties = child(production, "properties");
        for (String forbidden : List.of("images.skip", "image.run.skip", "images.base")) {
            if (properties != null && child(properties, forbidden) != null) {
                problems.add("the production profile sets " + forbidden + ": it must build what the offline build proves");
            }
        }
        if (properties == null || child(properties, "images.push.skip") == null
                || !"${images.skip}".equals(text(child(properties, "images.push.skip")))) {
            problems.add("the production profile's push does not follow images.skip (an untrained image could be pushed)");
        }
        Element push = execution(production, "jib-maven-plugin", "build");
        if (push == null) {
            problems.add("the production profile pushes no image (no jib build execution)");
        } else {
            if (!"verify".equals(text(child(push, "phase")))) {
                problems.add("the push runs in " + text(child(push, "phase")) + ", not verify (after the checks)");
            }
            problems.addAll(carriesCache("the pushed image", push));
        }
        Element train = execution(images, "exec-maven-plugin", "train-aot");
        if (train == null || !"package".equals(text(child(train, "phase")))
                || !argumentsOf(train).contains("--train-aot")) {
            problems.add("no train-aot execution records the AOT cache in package");
        }
        Element run = execution(images, "exec-maven-plugin", "run-image");
        if (run == null || !"integration-test".equals(text(child(run, "phase")))) {
            problems.add("no run-image execution checks the image with its cache before verify");
        }
        Element tested = execution(images, "jib-maven-plugin", "image-tar-aot");
        if (tested == null) {
            problems.add("no image-tar-aot execution builds the image the checks run");
        } else {
            problems.addAll(carriesCache("the checked image", tested));
        }
        return problems;
    }

    /** @param modulePom a service module's pom.xml: it may not redefine how the image is shipped */
    static List<String> modulePom(String service, String modulePom) {
        return profile(parse(modulePom), "production") != null
                ? List.of(service + "/pom.xml has a production profile of its own: the shipped image would differ")
                : List.of();
    }

    private static List<String> carriesCache(String what, Element execution) {
        List<String> problems = new ArrayList<>();
        String xml = execution.getTextContent();
        if (!xml.contains(AOT_FLAG)) {
            problems.add(what + " does not start with " + AOT_FLAG);
        }
        if (!xml.contains("${project.build.directory}/aot") || !xml.contains("/app/aot")) {
            problems.add(what + " does not carry target/aot at /app/aot");
        }
        return problems;
    }

    private static Element profile(Element project, String id) {
        Element profiles = child(project, "profiles");
        if (profiles == null) {
            return null;
        }
        for (Element profile : children(profiles, "profile")) {
            if (id.equals(text(child(profile, "id")))) {
                return profile;
            }
        }
        return null;
    }

    /** An execution of the plugin with that id, or (for a goal name) the first with that goal. */
    private static Element execution(Element profile, String plugin, String idOrGoal) {
        Element build = child(profile, "build");
        Element plugins = build == null ? null : child(build, "plugins");
        if (plugins == null) {
            return null;
        }
        for (Element p : children(plugins, "plugin")) {
            if (!plugin.equals(text(child(p, "artifactId"))) || child(p, "executions") == null) {
                continue;
            }
            for (Element execution : children(child(p, "executions"), "execution")) {
                Element goals = child(execution, "goals");
                boolean goal = goals != null && children(goals, "goal").stream().anyMatch(g -> idOrGoal.equals(text(g)));
                if (idOrGoal.equals(text(child(execution, "id"))) || goal) {
                    return execution;
                }
            }
        }
        return null;
    }

    private static List<String> argumentsOf(Element execution) {
        Element configuration = child(execution, "configuration");
        Element arguments = configuration == null ? null : child(configuration, "arguments");
        return arguments == null ? List.of() : children(arguments, "argument").stream().map(Pom::text).toList();
    }
}
