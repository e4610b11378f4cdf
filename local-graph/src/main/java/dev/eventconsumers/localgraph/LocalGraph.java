package dev.eventconsumers.localgraph;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import com.google.cloud.firestore.Firestore;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.orders.EmulatorProcess;
import dev.eventconsumers.searchindexer.OpenSearchServer;

/**
 * The whole system on one machine: Google's Firestore and Pub/Sub emulators, a real OpenSearch, every Knative Service
 * of {@code k8s/base} as its own process, and the sources and broker that connect them as Eventarc or a Knative
 * broker would. Ctrl-C (SIGINT or SIGTERM) stops everything it started.
 *
 * <pre>
 * java -jar local-graph/target/local-graph.jar [--root DIR] [--buckets DIR] [--state DIR] [--port N]
 *                                              [--free-ports] [--backoff-scale X] [--project ID]
 * </pre>
 */
public final class LocalGraph {
    /** Where each service listens unless {@code --free-ports}; the broker is on 8090. */
    static final Map<String, Integer> PORTS = Map.of("orders-api", 8080, "order-worker", 8082, "daily-report", 8083,
                                                     "thumbnailer", 8084, "search-indexer", 8086,
                                                     "dead-letters", 8087);
    private static final int FIRESTORE_PORT = 8081;
    private static final int PUBSUB_PORT = 8085;
    private static final int BROKER_PORT = 8090;

    private final List<Runnable> stops = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile DeliveryLog log;

    private LocalGraph() {
    }

    /**
     * @param args see the class comment
     */
    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        long t0 = System.nanoTime();
        LocalGraph graph = new LocalGraph();
        Runtime.getRuntime().addShutdownHook(new Thread(graph::stop, "local-graph-stop"));
        try {
            graph.run(options, t0, System.out);
        } catch (RuntimeException e) {
            System.err.println("local-graph: " + e.getMessage());
            System.exit(1);
        }
        Thread.currentThread().join();
    }

    private void run(Map<String, String> options, long t0, PrintStream out) throws Exception {
        Path root = Path.of(options.getOrDefault("root", ".")).toAbsolutePath().normalize();
        Path buckets = Path.of(options.getOrDefault("buckets", root.resolve("local/buckets").toString()))
                .toAbsolutePath().normalize();
        Path state = Path.of(options.getOrDefault("state", root.resolve("local/graph").toString()))
                .toAbsolutePath().normalize();
        boolean free = options.containsKey("free-ports");
        double backoffScale = Double.parseDouble(options.getOrDefault("backoff-scale", "1"));
        String project = options.getOrDefault("project", "demo-orders");
        Manifests manifests = Manifests.load(root.resolve("k8s/base"));
        DeliveryLog log = new DeliveryLog(out, ZoneId.systemDefault());
        this.log = log;
        Files.createDirectories(state.resolve("logs"));
        Files.createDirectories(state.resolve("cds"));
        Files.createDirectories(buckets);

        // Everything side by side: the services do not touch their backends before their first request, so every
        // address is chosen first and nothing waits for anything else. Startup is CPU-bound on a laptop; the
        // emulators and OpenSearch run with the client compiler only, which halves their start-up work.
        ExecutorService starters = Executors.newVirtualThreadPerTaskExecutor();
        String firestoreHost = "127.0.0.1:" + (free ? freePort() : FIRESTORE_PORT);
        String pubsubHost = "127.0.0.1:" + (free ? freePort() : PUBSUB_PORT);
        if (!free) {
            List<Integer> fixed = new ArrayList<>(List.of(FIRESTORE_PORT, PUBSUB_PORT,
                                                          Integer.parseInt(options.getOrDefault("port",
                                                                  Integer.toString(BROKER_PORT)))));
            manifests.serviceEnv().keySet().forEach(name -> fixed.add(PORTS.getOrDefault(name, 0)));
            List<Integer> busy = fixed.stream().filter(p -> p > 0 && inUse(p)).toList();
            if (!busy.isEmpty()) {
                throw new IllegalStateException("ports " + busy + " are in use (another ./dev up, ./dev emulators or "
                                                        + "./dev run?); stop that, or start with --free-ports");
            }
        }
        Map<String, Double> upAfter = new java.util.concurrent.ConcurrentSkipListMap<>();
        String quick = "-XX:TieredStopAtLevel=1 -XX:+IgnoreUnrecognizedVMOptions ";
        CompletableFuture<Void> firestoreUp = CompletableFuture.runAsync(() -> emulator(
                "Firestore", "platform/cloud-firestore-emulator/cloud_firestore_emulator", List.of("start"),
                firestoreHost, Map.of("JAVA_TOOL_OPTIONS", quick + "-XX:+UseSerialGC "
                        + classData(state.resolve("cds/firestore-emulator.jsa")))), starters);
        CompletableFuture<Void> pubsubUp = CompletableFuture.runAsync(() -> emulator(
                "Pub/Sub", "platform/pubsub-emulator/bin/cloud-pubsub-emulator", List.of(), pubsubHost,
                Map.of("JAVA_TOOL_OPTIONS", quick + "-XX:+UseSerialGC "
                        + classData(state.resolve("cds/pubsub-emulator.jsa")))), starters);
        // (No class-data archive for OpenSearch: its launcher runs a second JVM first, and archiving at exit made the
        // first start fail.)
        OpenSearchServer search = openSearch(root, quick.trim());
        stops.add(search::stopAndDelete);
        String opensearch = search.url();
        CompletableFuture<Void> searchUp = CompletableFuture.runAsync(search::start, starters);
        firestoreUp.thenRun(() -> upAfter.put("Firestore", seconds(t0)));
        pubsubUp.thenRun(() -> upAfter.put("Pub/Sub", seconds(t0)));
        searchUp.thenRun(() -> upAfter.put("OpenSearch", seconds(t0)));

        Map<String, ServiceProcess> services = new LinkedHashMap<>();
        List<CompletableFuture<Void>> ready = new ArrayList<>(List.of(firestoreUp, pubsubUp, searchUp));
        for (Map.Entry<String, Map<String, String>> entry : manifests.serviceEnv().entrySet()) {
            String name = entry.getKey();
            int port = !free && PORTS.containsKey(name) ? PORTS.get(name) : freePort();
            Map<String, String> env = new LinkedHashMap<>(entry.getValue());
            env.put("LOG_FORMAT", "text");
            env.put("BLOBSTORE_KIND", "filesystem");
            env.put("BLOBSTORE_ROOT", buckets.toString());
            env.put("GOOGLE_CLOUD_PROJECT", project);
            env.put("GCP_PROJECT", project);
            env.put("FIRESTORE_EMULATOR_HOST", firestoreHost);
            env.put("PUBSUB_EMULATOR_HOST", pubsubHost);
            if (env.containsKey("OPENSEARCH_URL")) {
                env.put("OPENSEARCH_URL", opensearch);
            }
            if (name.equals("orders-api")) {
                env.put("AUTH_DEV_ENABLED", "true");
            }
            List<String> java = new ArrayList<>(serviceJavaOptions(options));
            // Class data of each service's own classes, archived on its first stop and mapped from then on.
            java.addAll(List.of("-XX:+AutoCreateSharedArchive",
                                "-XX:SharedArchiveFile=" + state.resolve("cds/" + name + ".jsa"),
                                "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
            Files.deleteIfExists(state.resolve("logs/" + name + ".log"));
            ServiceProcess service = new ServiceProcess(
                    name, root.resolve("services/" + name + "/target/" + name + ".jar"), port, env,
                    java, state.resolve("logs/" + name + ".log"), log);
            services.put(name, service);
            ready.add(CompletableFuture.runAsync(() -> {
                try {
                    service.start(Duration.ofSeconds(90));
                    upAfter.put(name, seconds(t0));
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, starters));
        }
        stops.add(() -> services.values().parallelStream().forEach(ServiceProcess::stop));
        Broker broker = new Broker(manifests, name -> Optional.ofNullable(services.get(name)).map(ServiceProcess::url),
                                   backoffScale, log);
        stops.add(broker::close);

        // Sources: Pub/Sub topics and Firestore collections the Triggers listen to, the bucket folders, schedules.
        firestoreUp.join();
        pubsubUp.join();
        for (String topic : filtered(manifests, "source", "/topics/")) {
            PubSubBridge bridge = new PubSubBridge(pubsubHost, project, topic, broker, log);
            bridge.create();
            stops.add(bridge::stop);
            Thread.ofVirtual().name("pubsub-" + topic).start(bridge);
        }
        Firestore firestore = FirestoreOrderStore.client(project, Optional.of(firestoreHost));
        stops.add(() -> {
            try {
                firestore.close();
            } catch (Exception ignored) {
                // stopping anyway
            }
        });
        for (String collection : filtered(manifests, "subject", "documents/")) {
            FirestoreWatcher watcher = new FirestoreWatcher(firestore, project, collection, broker, log);
            watcher.start();
            stops.add(watcher::stop);
        }
        BucketWatcher bucketWatcher = new BucketWatcher(buckets, broker, log, 50);
        stops.add(bucketWatcher::stop);
        Thread.ofVirtual().name("buckets").start(bucketWatcher);
        PingScheduler pings = new PingScheduler(manifests, broker, Clock.systemUTC());
        stops.add(pings::stop);
        Thread.ofVirtual().name("pingsources").start(pings);

        try {
            CompletableFuture.allOf(ready.toArray(CompletableFuture[]::new)).join();
        } catch (java.util.concurrent.CompletionException e) {
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
        Map<String, ServiceProcess> byName = new java.util.TreeMap<>(services);
        ControlServer control = new ControlServer(free ? 0 : Integer.parseInt(options.getOrDefault("port",
                Integer.toString(BROKER_PORT))), broker, pings, manifests, byName, log);
        control.start();
        stops.add(control::stop);
        starters.shutdown();

        Map<String, String> env = new LinkedHashMap<>();
        env.put("BROKER", "http://localhost:" + control.port());
        byName.forEach((name, s) -> env.put(name.toUpperCase().replace('-', '_'),
                                            "http://localhost:" + s.url().getPort()));
        env.put("FIRESTORE_EMULATOR_HOST", firestoreHost);
        env.put("PUBSUB_EMULATOR_HOST", pubsubHost);
        env.put("OPENSEARCH_URL", opensearch);
        env.put("GCP_PROJECT", project);
        env.put("BUCKETS", buckets.toString());
        devTokens(byName.get("orders-api")).forEach(env::put);
        StringBuilder file = new StringBuilder("# Written by the local graph (./dev up) at start; source it: . "
                                                       + root.relativize(state.resolve("env")) + "\n");
        env.forEach((k, v) -> file.append("export ").append(k).append('=').append(v).append('\n'));
        Files.writeString(state.resolve("env"), file);

        out.println();
        out.println("local graph: " + byName.size() + " services, " + manifests.triggers().size() + " triggers, "
                            + manifests.pingSources().size() + " PingSources");
        byName.forEach((name, s) -> out.printf("  %-15s %-24s log %s%n", name, "http://localhost:" + s.url().getPort(),
                                               root.relativize(s.log())));
        out.printf("  %-15s %s   (POST a CloudEvent; POST /pingsources/NAME fires one now)%n", "broker",
                   "http://localhost:" + control.port());
        out.println("  Firestore emulator " + firestoreHost + ", Pub/Sub emulator " + pubsubHost + " (project "
                            + project + "), OpenSearch " + opensearch);
        out.println("  buckets in " + buckets + "; addresses and dev tokens: . " + root.relativize(state.resolve("env")));
        out.println("  up after (s): " + upAfter.entrySet().stream()
                .map(e -> e.getKey() + " " + String.format("%.1f", e.getValue())).toList());
        out.printf("ready in %.1f s; deliveries follow (Ctrl-C stops everything)%n", seconds(t0));
        out.flush();
    }

    /** The names the Triggers' filters on {@code attribute} point at, e.g. topics from {@code .../topics/NAME}. */
    private static Set<String> filtered(Manifests manifests, String attribute, String marker) {
        Set<String> names = new LinkedHashSet<>();
        for (Manifests.Trigger trigger : manifests.triggers()) {
            for (Manifests.Filter filter : trigger.filters()) {
                int at = filter.value().indexOf(marker);
                if (filter.attribute().equals(attribute) && at >= 0) {
                    String rest = filter.value().substring(at + marker.length());
                    String name = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
                    if (!name.isEmpty()) {
                        names.add(name);
                    }
                }
            }
        }
        return names;
    }

    private static Map<String, String> devTokens(ServiceProcess api) throws IOException {
        Map<String, String> tokens = new LinkedHashMap<>();
        if (api == null) {
            return tokens;
        }
        for (String line : Files.readAllLines(api.log())) {
            for (String name : List.of("DEV_TOKEN", "DEV_ADMIN_TOKEN")) {
                if (line.startsWith("export " + name + "=")) {
                    tokens.put(name, line.substring(("export " + name + "=").length()).split("\\s")[0]);
                }
            }
        }
        return tokens;
    }

    private static List<String> serviceJavaOptions(Map<String, String> options) {
        List<String> java = new ArrayList<>(List.of(options.getOrDefault(
                "service-java-opts", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m").split("\\s+")));
        if (Runtime.version().feature() >= 24) {
            java.add("--sun-misc-unsafe-memory-access=allow");
        }
        java.removeIf(String::isBlank);
        return java;
    }

    private void emulator(String name, String launcher, List<String> arguments, String host,
                          Map<String, String> environment) {
        Path script = EmulatorProcess.launcher(launcher).orElseThrow(() -> new IllegalStateException(
                "the " + name + " emulator is not installed (Google Cloud CLI package google-cloud-cli-"
                        + (name.startsWith("F") ? "firestore" : "pubsub") + "-emulator)"));
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(arguments);
        EmulatorProcess.Running running = EmulatorProcess.start(name, command,
                                                                Integer.parseInt(host.substring(host.indexOf(':') + 1)),
                                                                environment);
        synchronized (stops) {
            stops.add(() -> EmulatorProcess.stop(running.process()));
        }
    }

    /** Class data for an emulator's JVM (any JDK 13+): archived when it stops the first time, mapped from then on. */
    private static String classData(Path archive) {
        return Files.isRegularFile(archive) ? "-XX:SharedArchiveFile=" + archive + " -Xlog:cds=off"
                : "-XX:ArchiveClassesAtExit=" + archive + " -Xlog:cds=off";
    }

    private static OpenSearchServer openSearch(Path root, String javaOptions) throws IOException {
        if (System.getProperty("opensearch.home") == null) {
            try (Stream<Path> homes = Files.list(root.resolve("services/search-indexer/target/opensearch"))) {
                homes.filter(p -> p.getFileName().toString().startsWith("opensearch-")).findFirst()
                        .ifPresent(p -> System.setProperty("opensearch.home", p.toString()));
            } catch (IOException e) {
                throw new IllegalStateException("OpenSearch is not unpacked under services/search-indexer/target "
                                                         + "(./dev up builds it)", e);
            }
        }
        return OpenSearchServer.unstarted(javaOptions);
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    static boolean inUse(int port) {
        try (java.net.Socket ignored = new java.net.Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Stops what was started, newest first. */
    private void stop() {
        if (log != null) {
            log.closing();
        }
        List<Runnable> all;
        synchronized (stops) {
            all = new ArrayList<>(stops);
        }
        java.util.Collections.reverse(all);
        for (Runnable stop : all) {
            try {
                stop.run();
            } catch (RuntimeException | Error e) {
                System.err.println("local-graph: while stopping: " + e);
            }
        }
        System.out.println("local graph stopped");
        System.out.flush();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--")) {
                throw new IllegalArgumentException("unknown argument " + args[i]);
            }
            String name = args[i].substring(2);
            if (name.equals("free-ports")) {
                options.put(name, "true");
            } else if (i + 1 < args.length) {
                options.put(name, args[++i]);
            } else {
                throw new IllegalArgumentException(args[i] + " needs a value");
            }
        }
        return options;
    }

}
