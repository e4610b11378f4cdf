package dev.eventconsumers.localrun;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import com.google.cloud.firestore.Firestore;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.testkit.EmulatorSource;
import dev.eventconsumers.testkit.FreePort;
import dev.eventconsumers.testkit.GoogleEmulator;
import dev.eventconsumers.testkit.OpenSearchServer;

/**
 * The system on one machine, in four modes of one launcher ({@code ./dev up|emulators|opensearch|run}):
 * <ul>
 *   <li>{@code up} (the default): Google's Firestore and Pub/Sub emulators, a real OpenSearch, every Knative Service of
 *       {@code k8s/base} as its own process, and the sources and broker that connect them as Eventarc or a Knative
 *       broker would;</li>
 *   <li>{@code emulators}: the two emulators on their fixed ports, with the Triggers' topics and a push subscription
 *       to each topic's subscriber, for services run alone;</li>
 *   <li>{@code opensearch}: OpenSearch on its fixed port;</li>
 *   <li>{@code run SERVICE}: one service in the foreground, with the environment {@code up} gives it.</li>
 * </ul>
 * Ports, environments and routing come from {@code k8s/base}. Ctrl-C (SIGINT or SIGTERM) stops everything it started;
 * if this process is killed outright, a {@link Watchdog} stops its children.
 *
 * <pre>
 * java -jar tools/local-run/target/local-run.jar [up|emulators|opensearch|run SERVICE] [--root DIR] [--buckets DIR]
 *      [--state DIR] [--port N] [--free-ports] [--backoff-scale X] [--project ID] [--service-java-opts "..."]
 * </pre>
 */
public final class LocalRun {
    static final int FIRESTORE_PORT = 8081;
    static final int PUBSUB_PORT = 8085;
    static final int BROKER_PORT = 8090;
    static final int OPENSEARCH_PORT = 9200;
    static final String DEFAULT_PROJECT = "demo-orders";

    private final List<Runnable> stops = Collections.synchronizedList(new ArrayList<>());
    private final Options options;
    private final Path root;
    private final Path buckets;
    private final Path state;
    private final String project;
    private volatile DeliveryLog log;
    private Watchdog watchdog;

    private LocalRun(Options options) {
        this.options = options;
        this.root = Path.of(options.get("root", ".")).toAbsolutePath().normalize();
        this.buckets = Path.of(options.get("buckets", root.resolve("local/buckets").toString())).toAbsolutePath()
                .normalize();
        this.state = Path.of(options.get("state", root.resolve("local/graph").toString())).toAbsolutePath().normalize();
        this.project = options.get("project", DEFAULT_PROJECT);
    }

    /**
     * @param args see the class comment
     */
    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("local-run: " + e.getMessage());
            System.exit(2);
            return;
        }
        LocalRun run = new LocalRun(options);
        Runtime.getRuntime().addShutdownHook(new Thread(run::stop, "local-run-stop"));
        try {
            switch (options.mode()) {
                case "up" -> run.up(t0, System.out);
                case "emulators" -> run.emulators();
                case "opensearch" -> run.opensearch();
                case "run" -> {
                    int exit = run.runOne(options.argument().orElseThrow(() -> new IllegalArgumentException(
                            "run needs a service: run SERVICE")));
                    System.exit(exit);
                }
                default -> throw new IllegalArgumentException("unknown mode " + options.mode()
                                                                      + "; modes: up, emulators, opensearch, run SERVICE");
            }
        } catch (RuntimeException e) {
            System.err.println("local-run: " + e.getMessage());
            System.exit(1);
        }
        Thread.currentThread().join();
    }

    private Watchdog watchdog() {
        if (watchdog == null) {
            watchdog = Watchdog.start();
            stops.add(watchdog::close);
        }
        return watchdog;
    }

    private void up(long t0, PrintStream out) throws Exception {
        boolean free = options.has("free-ports");
        double backoffScale = Double.parseDouble(options.get("backoff-scale", "1"));
        Manifests manifests = Manifests.load(root.resolve("k8s/base"));
        DeliveryLog log = new DeliveryLog(out, ZoneId.systemDefault());
        this.log = log;
        Files.createDirectories(state.resolve("logs"));
        Files.createDirectories(state.resolve("cds"));
        demoPhoto();
        int brokerPort = free ? 0 : Integer.parseInt(options.get("port", Integer.toString(BROKER_PORT)));
        if (!free) {
            List<Integer> fixed = new ArrayList<>(List.of(FIRESTORE_PORT, PUBSUB_PORT, brokerPort));
            manifests.services().values().forEach(s -> fixed.add(s.port()));
            refuseBusy(fixed);
        }
        watchdog();

        // Everything side by side: the services do not touch their backends before their first request, so every
        // address is chosen first and nothing waits for anything else. Start-up is CPU-bound on a laptop; the
        // emulators and OpenSearch run with the client compiler only, which halves their start-up work.
        ExecutorService starters = Executors.newVirtualThreadPerTaskExecutor();
        Map<String, Double> upAfter = new ConcurrentSkipListMap<>();
        EmulatorSource firestoreSource = source(GoogleEmulator.FIRESTORE);
        EmulatorSource pubsubSource = source(GoogleEmulator.PUBSUB);
        int firestorePort = free ? FreePort.find() : FIRESTORE_PORT;
        int pubsubPort = free ? FreePort.find() : PUBSUB_PORT;
        CompletableFuture<String> firestoreUp = CompletableFuture.supplyAsync(() -> emulator(
                GoogleEmulator.FIRESTORE, firestoreSource, firestorePort, "firestore-emulator"), starters);
        CompletableFuture<String> pubsubUp = CompletableFuture.supplyAsync(() -> emulator(
                GoogleEmulator.PUBSUB, pubsubSource, pubsubPort, "pubsub-emulator"), starters);
        // (No class-data archive for OpenSearch: its launcher runs a second JVM first, and archiving at exit made the
        // first start fail.)
        OpenSearchServer search = OpenSearchServer.unstarted(QUICK_JVM, 0);
        stops.add(search::stopAndDelete);
        // Each child is the watchdog's from the moment it exists, not once it answers: killed while they start, the
        // run would otherwise leave the emulators and OpenSearch behind.
        CompletableFuture<Void> searchUp = CompletableFuture.runAsync(() -> search.start(watchdog::watch), starters);
        firestoreUp.thenRun(() -> upAfter.put("Firestore", seconds(t0)));
        pubsubUp.thenRun(() -> upAfter.put("Pub/Sub", seconds(t0)));
        searchUp.thenRun(() -> upAfter.put("OpenSearch", seconds(t0)));
        // The services start before the emulators answer, on the addresses chosen above (Docker picks its own: wait).
        String firestoreHost = firestoreSource instanceof EmulatorSource.Cli ? "127.0.0.1:" + firestorePort
                : join(firestoreUp);
        String pubsubHost = pubsubSource instanceof EmulatorSource.Cli ? "127.0.0.1:" + pubsubPort : join(pubsubUp);

        Map<String, ServiceProcess> services = new LinkedHashMap<>();
        stops.add(() -> services.values().parallelStream().forEach(ServiceProcess::close));
        List<CompletableFuture<?>> ready = new ArrayList<>(List.of(firestoreUp, pubsubUp, searchUp));
        for (Manifests.KnativeService manifest : manifests.services().values()) {
            ServiceProcess service = service(manifest, free ? FreePort.find() : manifest.port(), firestoreHost,
                                             pubsubHost, search.url(), log);
            services.put(manifest.name(), service);
            ready.add(CompletableFuture.runAsync(() -> {
                service.start(Duration.ofSeconds(90));
                upAfter.put(manifest.name(), seconds(t0));
            }, starters));
        }
        Broker broker = new Broker(manifests, name -> Optional.ofNullable(services.get(name)).map(ServiceProcess::url),
                                   backoffScale, log);
        stops.add(broker::close);

        // Sources: Pub/Sub topics and Firestore collections the Triggers listen to, the bucket folders, schedules.
        join(firestoreUp);
        join(pubsubUp);
        for (String topic : filtered(manifests, "source", "/topics/")) {
            PubSubBridge bridge = new PubSubBridge(pubsubHost, project, topic, broker, log);
            bridge.create();
            stops.add(bridge::stop);
            Thread.ofVirtual().name("pubsub-" + topic).start(bridge);
        }
        Firestore firestore = FirestoreOrderStore.emulatorClient(project, firestoreHost);
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
        Files.createDirectories(buckets);
        BucketWatcher bucketWatcher = new BucketWatcher(buckets, broker, log, 50);
        stops.add(bucketWatcher::stop);
        Thread.ofVirtual().name("buckets").start(bucketWatcher);
        PingScheduler pings = new PingScheduler(manifests, broker, Clock.systemUTC());
        stops.add(pings::stop);
        Thread.ofVirtual().name("pingsources").start(pings);

        ready.forEach(LocalRun::join);
        Map<String, ServiceProcess> byName = new java.util.TreeMap<>(services);
        ControlServer control = new ControlServer(brokerPort, broker, pings, manifests, byName, log);
        control.start();
        stops.add(control::stop);
        starters.shutdown();

        Map<String, String> env = new LinkedHashMap<>();
        env.put("BROKER", "http://localhost:" + control.port());
        byName.forEach((name, s) -> env.put(name.toUpperCase().replace('-', '_'),
                                            "http://localhost:" + s.url().getPort()));
        env.put("FIRESTORE_EMULATOR_HOST", firestoreHost);
        env.put("PUBSUB_EMULATOR_HOST", pubsubHost);
        env.put("OPENSEARCH_URL", search.url());
        env.put("GCP_PROJECT", project);
        env.put("BUCKETS", buckets.toString());
        StringBuilder file = new StringBuilder("# Written by the local run (./dev up) at start; source it: . "
                                                       + root.relativize(state.resolve("env")) + "\n");
        env.forEach((k, v) -> file.append("export ").append(k).append('=').append(v).append('\n'));
        if (byName.containsKey("orders-api") && Files.exists(devTokens())) {
            file.append(Files.readString(devTokens()));
        }
        Files.writeString(state.resolve("env"), file);

        out.println();
        out.println("local graph: " + byName.size() + " services, " + manifests.triggers().size() + " triggers, "
                            + manifests.pingSources().size() + " PingSources");
        byName.forEach((name, s) -> out.printf("  %-15s %-24s log %s%n", name, "http://localhost:" + s.url().getPort(),
                                               root.relativize(s.log())));
        out.printf("  %-15s %s   (POST a CloudEvent; POST /pingsources/NAME fires one now)%n", "broker",
                   "http://localhost:" + control.port());
        out.println("  Firestore emulator " + firestoreHost + ", Pub/Sub emulator " + pubsubHost + " (project "
                            + project + "), OpenSearch " + search.url());
        out.println("  buckets in " + buckets + "; addresses and dev tokens: . " + root.relativize(state.resolve("env")));
        out.println("  up after (s): " + upAfter.entrySet().stream()
                .map(e -> e.getKey() + " " + String.format("%.1f", e.getValue())).toList());
        out.printf("ready in %.1f s; deliveries follow (Ctrl-C stops everything)%n", seconds(t0));
        out.flush();
    }

    /** {@code emulators}: both emulators on their fixed ports, the Triggers' topics pushed to their subscribers. */
    private void emulators() throws Exception {
        refuseBusy(List.of(FIRESTORE_PORT, PUBSUB_PORT));
        watchdog();
        Manifests manifests = Manifests.load(root.resolve("k8s/base"));
        String firestore = emulator(GoogleEmulator.FIRESTORE, source(GoogleEmulator.FIRESTORE), FIRESTORE_PORT,
                                    "firestore-emulator");
        String pubsub = emulator(GoogleEmulator.PUBSUB, source(GoogleEmulator.PUBSUB), PUBSUB_PORT, "pubsub-emulator");
        DeliveryLog quiet = new DeliveryLog(System.out, ZoneId.systemDefault());
        for (Manifests.Trigger trigger : manifests.triggers()) {
            for (String topic : topics(trigger)) {
                int port = manifests.services().get(trigger.service()).port();
                new PubSubBridge(pubsub, project, topic, null, quiet).pushTo(
                        URI.create("http://localhost:" + port + trigger.path()));
                System.out.println("local-run: topic " + topic + " is pushed to " + trigger.service()
                                           + " on http://localhost:" + port + " (subscription " + topic
                                           + "-push; pull " + topic + "-tail to watch it)");
            }
        }
        System.out.println("local-run: Firestore emulator on " + firestore + ", Pub/Sub emulator on " + pubsub
                                   + " (project " + project + "); Ctrl-C stops them");
    }

    /** {@code opensearch}: the tests' OpenSearch on its fixed port. */
    private void opensearch() throws IOException {
        refuseBusy(List.of(OPENSEARCH_PORT));
        watchdog();
        OpenSearchServer search = OpenSearchServer.unstarted("", OPENSEARCH_PORT);
        stops.add(search::stopAndDelete);
        search.start(watchdog::watch);
        System.out.println("local-run: OpenSearch on " + search.url() + " (Ctrl-C stops it)");
    }

    /** {@code run SERVICE}: one service in the foreground with the environment {@code up} gives it. */
    private int runOne(String name) throws Exception {
        Manifests manifests = Manifests.load(root.resolve("k8s/base"));
        Manifests.KnativeService manifest = manifests.services().get(name);
        if (manifest == null) {
            throw new IllegalArgumentException("k8s/base has no service " + name + "; it has "
                                                       + manifests.services().keySet());
        }
        demoPhoto();
        int port = Integer.parseInt(options.get("port", Integer.toString(manifest.port())));
        refuseBusy(List.of(port));
        watchdog();
        ServiceProcess service = service(manifest, port, "127.0.0.1:" + FIRESTORE_PORT, "127.0.0.1:" + PUBSUB_PORT,
                                         "http://127.0.0.1:" + OPENSEARCH_PORT, null);
        stops.add(service::close);
        System.out.println("local-run: " + name + " on http://localhost:" + port + ", buckets in " + buckets
                                   + " (Ctrl-C stops it)");
        service.start(Duration.ofSeconds(90));
        return service.waitFor();
    }

    /**
     * One service as the local run starts it: its manifest's environment with the local backends put in.
     *
     * @param log where its unexpected exit is noted; null runs it in the foreground, its output on this terminal
     */
    private ServiceProcess service(Manifests.KnativeService manifest, int port, String firestoreHost,
                                   String pubsubHost, String opensearch, DeliveryLog log) throws IOException {
        String name = manifest.name();
        Map<String, String> env = new LinkedHashMap<>(manifest.env());
        env.put("LOG_FORMAT", "text");
        env.put("BLOBSTORE_KIND", "filesystem");
        env.put("BLOBSTORE_ROOT", buckets.toString());
        env.put("GCP_PROJECT", project);
        env.put("FIRESTORE_EMULATOR_HOST", firestoreHost);
        env.put("PUBSUB_EMULATOR_HOST", pubsubHost);
        if (env.containsKey("OPENSEARCH_URL")) {
            env.put("OPENSEARCH_URL", opensearch);
        }
        if (name.equals("orders-api")) {
            env.put("AUTH_DEV_ENABLED", "true");
            // Its private observe socket (for in-cluster collectors) on a free port: locally, /observe/metrics is read
            // on the API's own port with $DEV_ADMIN_TOKEN.
            env.put("SERVER_SOCKETS_0_PORT", "0");
            Files.createDirectories(state);
            Files.deleteIfExists(devTokens());
            env.put("AUTH_DEV_TOKENS_dash_FILE", devTokens().toString());
        }
        List<String> java = new ArrayList<>(serviceJavaOptions());
        // Class data of each service's own classes, archived on its first stop and mapped from then on.
        java.addAll(List.of("-XX:+AutoCreateSharedArchive",
                            "-XX:SharedArchiveFile=" + state.resolve("cds/" + name + ".jsa"),
                            "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        Files.createDirectories(state.resolve("cds"));
        Path logFile = log == null ? null : state.resolve("logs/" + name + ".log");
        if (logFile != null) {
            Files.deleteIfExists(logFile);
        }
        return new ServiceProcess(name, root.resolve("services/" + name + "/target/" + name + ".jar"), port, env, java,
                                  logFile, log, watchdog());
    }

    /** Where the orders API writes its dev tokens for the local run. */
    private Path devTokens() {
        return state.resolve("dev-tokens");
    }

    /** The demo bucket gets the photo the sample storage event names. */
    private void demoPhoto() throws IOException {
        Path photo = buckets.resolve("demo-uploads/uploads/photo.jpg");
        Path source = root.resolve("services/thumbnailer/src/test/resources/images/orientation-6.jpg");
        if (!Files.exists(photo) && Files.exists(source)) {
            Files.createDirectories(photo.getParent());
            Files.copy(source, photo);
        }
    }

    private static final String QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+IgnoreUnrecognizedVMOptions";

    /** @return where the emulator comes from here: the Google Cloud CLI, else Google's image where Docker runs */
    private static EmulatorSource source(GoogleEmulator emulator) {
        EmulatorSource source = emulator.source(Optional.empty());
        if (source instanceof EmulatorSource.None none) {
            throw new IllegalStateException(none.reason());
        }
        return source;
    }

    /** Starts an emulator and stops it with the run. */
    private String emulator(GoogleEmulator emulator, EmulatorSource source, int port, String archive) {
        Map<String, String> environment = Map.of("JAVA_TOOL_OPTIONS", QUICK_JVM + " -XX:+UseSerialGC "
                + classData(state.resolve("cds/" + archive + ".jsa")));
        GoogleEmulator.Started started = emulator.start(source, port, environment, watchdog()::watch);
        stops.add(started.stop());
        return started.host();
    }

    /** Class data for an emulator's JVM (any JDK 13+): archived when it stops the first time, mapped from then on. */
    private static String classData(Path archive) {
        return Files.isRegularFile(archive) ? "-XX:SharedArchiveFile=" + archive + " -Xlog:cds=off"
                : "-XX:ArchiveClassesAtExit=" + archive + " -Xlog:cds=off";
    }

    private List<String> serviceJavaOptions() {
        List<String> java = new ArrayList<>(List.of(options.get(
                "service-java-opts", "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m").split("\\s+")));
        if (Runtime.version().feature() >= 24) {
            java.add("--sun-misc-unsafe-memory-access=allow");
        }
        java.removeIf(String::isBlank);
        return java;
    }

    /** The names the Triggers' filters on {@code attribute} point at, e.g. topics from {@code .../topics/NAME}. */
    private static Set<String> filtered(Manifests manifests, String attribute, String marker) {
        Set<String> names = new LinkedHashSet<>();
        for (Manifests.Trigger trigger : manifests.triggers()) {
            names.addAll(filtered(trigger, attribute, marker));
        }
        return names;
    }

    private static Set<String> topics(Manifests.Trigger trigger) {
        return filtered(trigger, "source", "/topics/");
    }

    private static Set<String> filtered(Manifests.Trigger trigger, String attribute, String marker) {
        Set<String> names = new LinkedHashSet<>();
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
        return names;
    }

    private static void refuseBusy(List<Integer> ports) {
        List<Integer> busy = ports.stream().filter(p -> p > 0 && FreePort.inUse(p)).toList();
        if (!busy.isEmpty()) {
            throw new IllegalStateException("ports " + busy + " are in use (another ./dev up, ./dev emulators or "
                                                    + "./dev run?); stop that, or start with --free-ports");
        }
    }

    private static <T> T join(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    private static double seconds(long t0) {
        return (System.nanoTime() - t0) / 1e9;
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
        Collections.reverse(all);
        for (Runnable stop : all) {
            try {
                stop.run();
            } catch (RuntimeException | Error e) {
                System.err.println("local-run: while stopping: " + e);
            }
        }
        System.out.println("local run stopped");
        System.out.flush();
    }

    /** The mode, its argument and the {@code --name value} options. */
    record Options(String mode, Optional<String> argument, Map<String, String> values) {
        static Options parse(String[] args) {
            List<String> rest = new ArrayList<>(List.of(args));
            String mode = !rest.isEmpty() && !rest.getFirst().startsWith("--") ? rest.removeFirst() : "up";
            Optional<String> argument = !rest.isEmpty() && !rest.getFirst().startsWith("--")
                    ? Optional.of(rest.removeFirst()) : Optional.empty();
            Map<String, String> values = new LinkedHashMap<>();
            for (int i = 0; i < rest.size(); i++) {
                if (!rest.get(i).startsWith("--")) {
                    throw new IllegalArgumentException("unknown argument " + rest.get(i));
                }
                String name = rest.get(i).substring(2);
                if (name.equals("free-ports")) {
                    values.put(name, "true");
                } else if (i + 1 < rest.size()) {
                    values.put(name, rest.get(++i));
                } else {
                    throw new IllegalArgumentException(rest.get(i) + " needs a value");
                }
            }
            return new Options(mode, argument, values);
        }

        String get(String name, String otherwise) {
            return values.getOrDefault(name, otherwise);
        }

        boolean has(String name) {
            return values.containsKey(name);
        }
    }
}
