package dev.eventconsumers.localrun;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The one reader of the Kubernetes manifests: what the local run takes from {@code k8s/base}, so that local and
 * cluster routing cannot drift apart (the Broker's and each Trigger's filters and delivery spec, the PingSources, each
 * Knative Service's environment: the shared ConfigMap, then the container's own {@code env}, and its local port), and
 * what the deployment check reads from every rendering of {@code k8s/}. Only the resources the kustomization lists
 * count.
 *
 * @param documents every object, as parsed YAML, for checks that look further
 */
public record Manifests(Delivery brokerDelivery, List<Trigger> triggers, List<PingSource> pingSources,
                        Map<String, KnativeService> services, List<Map<String, Object>> documents) {
    /** The annotation on a Knative Service that gives its port in the local run. */
    public static final String LOCAL_PORT = "local-run.eventconsumers.dev/port";

    /**
     * @param name    the service's name
     * @param env     its environment: the ConfigMaps it reads, then its container's own {@code env} values
     * @param port    its port in the local run ({@link #LOCAL_PORT}), 0 when it has none
     * @param account its Kubernetes service account
     */
    public record KnativeService(String name, Map<String, String> env, int port, String account) {
    }

    /** A Knative delivery spec; {@code deadLetterService} is the Knative Service its dead-letter sink names. */
    public record Delivery(int retry, String backoffPolicy, Duration backoffDelay, Optional<String> deadLetterService) {
        static final Delivery NONE = new Delivery(0, "exponential", Duration.ZERO, Optional.empty());

        /**
         * The backoff before retry {@code n} (1-based) as Knative's documentation gives it:
         * {@code backoffDelay * 2^n} when exponential, {@code backoffDelay * n} when linear.
         */
        Duration backoff(int n) {
            return "linear".equals(backoffPolicy) ? backoffDelay.multipliedBy(n)
                    : backoffDelay.multipliedBy(1L << Math.min(n, 30));
        }
    }

    /** A Trigger: all its filters must match; {@code path} is the subscriber's {@code uri}, or {@code /}. */
    public record Trigger(String name, List<Filter> filters, String service, String path, Delivery delivery) {
        boolean matches(Event event) {
            return filters.stream().allMatch(f -> f.matches(event));
        }
    }

    /** One filter of the Knative {@code filters} dialects exact, prefix and suffix (and the legacy attributes). */
    public record Filter(String dialect, String attribute, String value) {
        boolean matches(Event event) {
            String actual = event.attribute(attribute);
            if (actual == null) {
                return false;
            }
            return switch (dialect) {
                case "exact" -> actual.equals(value);
                case "prefix" -> actual.startsWith(value);
                case "suffix" -> actual.endsWith(value);
                default -> throw new IllegalStateException("unsupported filter dialect " + dialect);
            };
        }
    }

    /** A PingSource publishing to the broker. */
    public record PingSource(String name, String namespace, Cron schedule, String contentType, String data) {
        String source() {
            return "/apis/v1/namespaces/" + namespace + "/pingsources/" + name;
        }
    }

    /**
     * @param base the kustomization folder, e.g. {@code k8s/base}
     * @return what its resources declare
     */
    public static Manifests load(Path base) {
        List<Map<String, Object>> documents = new ArrayList<>();
        Map<String, Object> kustomization = documents(base.resolve("kustomization.yaml")).getFirst();
        for (Object resource : list(kustomization.get("resources"))) {
            documents.addAll(documents(base.resolve(resource.toString())));
        }
        return of(documents);
    }

    /**
     * @param text YAML documents, e.g. what {@code kubectl kustomize} prints
     * @return what they declare
     */
    public static Manifests parse(String text) {
        List<Map<String, Object>> documents = new ArrayList<>();
        for (Object doc : yaml().loadAll(text)) {
            if (doc instanceof Map<?, ?> m) {
                documents.add(map(m));
            }
        }
        return of(documents);
    }

    private static Manifests of(List<Map<String, Object>> documents) {
        Delivery brokerDelivery = Delivery.NONE;
        Map<String, Map<String, String>> configMaps = new LinkedHashMap<>();
        List<Map<String, Object>> serviceDocs = new ArrayList<>();
        List<Map<String, Object>> triggerDocs = new ArrayList<>();
        List<PingSource> pings = new ArrayList<>();
        for (Map<String, Object> doc : documents) {
            String kind = String.valueOf(doc.get("kind"));
            Map<String, Object> metadata = map(doc.get("metadata"));
            Map<String, Object> spec = map(doc.get("spec"));
            String name = String.valueOf(metadata.get("name"));
            switch (kind) {
                case "Broker" -> brokerDelivery = delivery(map(spec.get("delivery")), Delivery.NONE);
                case "ConfigMap" -> {
                    Map<String, String> data = new LinkedHashMap<>();
                    map(doc.get("data")).forEach((k, v) -> data.put(k, String.valueOf(v)));
                    configMaps.put(name, data);
                }
                case "Trigger" -> triggerDocs.add(doc);
                case "PingSource" -> pings.add(new PingSource(
                        name, String.valueOf(metadata.getOrDefault("namespace", "default")),
                        Cron.parse(String.valueOf(spec.get("schedule"))),
                        String.valueOf(spec.getOrDefault("contentType", "application/json")),
                        String.valueOf(spec.getOrDefault("data", ""))));
                case "Service" -> {
                    if (String.valueOf(doc.get("apiVersion")).startsWith("serving.knative.dev/")) {
                        serviceDocs.add(doc);
                    }
                }
                default -> {
                }
            }
        }
        List<Trigger> triggers = new ArrayList<>();
        for (Map<String, Object> doc : triggerDocs) {
            Map<String, Object> spec = map(doc.get("spec"));
            Map<String, Object> subscriber = map(spec.get("subscriber"));
            String uri = subscriber.containsKey("uri") ? String.valueOf(subscriber.get("uri")) : "/";
            triggers.add(new Trigger(String.valueOf(map(doc.get("metadata")).get("name")), filters(spec),
                                     String.valueOf(map(subscriber.get("ref")).get("name")),
                                     uri.startsWith("/") ? uri : "/" + uri,
                                     delivery(map(spec.get("delivery")), brokerDelivery)));
        }
        Map<String, KnativeService> services = new LinkedHashMap<>();
        for (Map<String, Object> doc : serviceDocs) {
            String name = String.valueOf(map(doc.get("metadata")).get("name"));
            Map<String, Object> podSpec = at(doc, "spec", "template", "spec");
            Map<String, Object> container = at(podSpec, "containers", 0);
            Map<String, String> env = new LinkedHashMap<>();
            for (Object source : list(map(container).get("envFrom"))) {
                String configMap = at(source, "configMapRef", "name");
                env.putAll(configMaps.getOrDefault(configMap, Map.of()));
            }
            for (Object entry : list(map(container).get("env"))) {
                Map<String, Object> e = map(entry);
                if (e.containsKey("value")) {
                    env.put(String.valueOf(e.get("name")), String.valueOf(e.get("value")));
                }
            }
            Object port = at(doc, "metadata", "annotations", LOCAL_PORT);
            services.put(name, new KnativeService(name, env, port == null ? 0 : Integer.parseInt(port.toString()),
                                                  String.valueOf(map(podSpec).get("serviceAccountName"))));
        }
        return new Manifests(brokerDelivery, List.copyOf(triggers), List.copyOf(pings), services,
                             List.copyOf(documents));
    }

    /**
     * @param kind a resource kind, e.g. {@code Trigger}
     * @return the objects of that kind
     */
    public List<Map<String, Object>> objects(String kind) {
        return documents.stream().filter(o -> kind.equals(o.get("kind"))).toList();
    }

    /**
     * Typed access into parsed YAML: {@code at(object, "spec", "template", "spec")}; null where a step is missing.
     *
     * @param node a parsed document or part of one
     * @param path map keys and list indexes
     * @param <T>  what the caller expects there
     * @return the value, or null
     */
    @SuppressWarnings("unchecked")
    public static <T> T at(Object node, Object... path) {
        Object current = node;
        for (Object step : path) {
            if (current instanceof Map<?, ?> m) {
                current = m.get(step);
            } else if (current instanceof List<?> l && step instanceof Integer index) {
                current = index < l.size() ? l.get(index) : null;
            } else {
                return null;
            }
        }
        return (T) current;
    }

    /** @return the PingSource of that name */
    public Optional<PingSource> pingSource(String name) {
        return pingSources.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    private static List<Filter> filters(Map<String, Object> spec) {
        List<Filter> filters = new ArrayList<>();
        for (Object entry : list(spec.get("filters"))) {
            map(entry).forEach((dialect, attributes) -> {
                if (!List.of("exact", "prefix", "suffix").contains(dialect)) {
                    throw new IllegalArgumentException("the local run supports the exact, prefix and suffix filter "
                                                               + "dialects, not " + dialect);
                }
                map(attributes).forEach((attribute, value) -> filters.add(
                        new Filter(dialect, attribute, String.valueOf(value))));
            });
        }
        map(map(spec.get("filter")).get("attributes"))
                .forEach((attribute, value) -> filters.add(new Filter("exact", attribute, String.valueOf(value))));
        return filters;
    }

    private static Delivery delivery(Map<String, Object> spec, Delivery fallback) {
        if (spec.isEmpty()) {
            return fallback;
        }
        Map<String, Object> sinkRef = map(map(spec.get("deadLetterSink")).get("ref"));
        return new Delivery(spec.containsKey("retry") ? ((Number) spec.get("retry")).intValue() : fallback.retry(),
                            String.valueOf(spec.getOrDefault("backoffPolicy", fallback.backoffPolicy())),
                            spec.containsKey("backoffDelay") ? Duration.parse(String.valueOf(spec.get("backoffDelay")))
                                    : fallback.backoffDelay(),
                            sinkRef.containsKey("name") ? Optional.of(String.valueOf(sinkRef.get("name")))
                                    : fallback.deadLetterService());
    }

    /**
     * @param file a YAML file
     * @return its documents (a deployment file such as {@code skaffold.yaml}, or manifests)
     */
    public static List<Map<String, Object>> documents(Path file) {
        try (Reader reader = Files.newBufferedReader(file)) {
            List<Map<String, Object>> docs = new ArrayList<>();
            for (Object doc : yaml().loadAll(reader)) {
                if (doc instanceof Map<?, ?> m) {
                    docs.add(map(m));
                }
            }
            return docs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static Yaml yaml() {
        return new Yaml(new SafeConstructor(new LoaderOptions()));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> l ? l : List.of();
    }
}
