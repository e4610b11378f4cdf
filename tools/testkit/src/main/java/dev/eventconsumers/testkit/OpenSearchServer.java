package dev.eventconsumers.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real single-node OpenSearch for tests, benchmarks and the local run: the distribution this module's build unpacked
 * (system property {@code opensearch.home} overrides it), on free loopback ports, with its data in a temporary folder.
 * It refuses to run as root, so as root it runs as {@code nobody}, which must be able to reach every file it reads:
 * where the build's folder is private (a clone under {@code /root}), the distribution is mirrored once into a shared
 * folder under the temporary directory. It needs a JDK 11-23 (OpenSearch 2.19 relies on the security manager, which
 * JDK 24 removed): {@code OPENSEARCH_JAVA_HOME}, else the newest such JDK in {@code /usr/lib/jvm}. One shared server
 * per test JVM, stopped when the JVM exits, however the tests end.
 */
public final class OpenSearchServer {
    /** The account OpenSearch runs as when this JVM is root. */
    static final String NOBODY = "nobody";
    private static OpenSearchServer shared;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path home;
    private final Path work;
    private final int httpPort;
    private final int transportPort;
    private Process process;
    private final String javaOptions;

    private OpenSearchServer(String javaOptions, int httpPort) throws IOException {
        this.javaOptions = javaOptions;
        Path built = distribution();
        if (!Files.isExecutable(built.resolve("bin/opensearch"))) {
            throw new IllegalStateException("no OpenSearch at " + built + ": the build of tools/testkit unpacks it "
                                                    + "(./dev mvn -pl tools/testkit package)");
        }
        this.home = runsAsRoot() ? UnprivilegedCopy.reachable(built, NOBODY) : built;
        this.work = Files.createTempDirectory("opensearch-test");
        this.httpPort = httpPort == 0 ? FreePort.find() : httpPort;
        this.transportPort = FreePort.find();
    }

    /**
     * @return the distribution: {@code opensearch.home}, else the one the build of the checkout this JVM runs in
     *         unpacked, else the one the build of this jar recorded
     */
    static Path distribution() {
        String configured = System.getProperty("opensearch.home");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath();
        }
        try (var in = OpenSearchServer.class.getResourceAsStream("testkit.properties")) {
            java.util.Properties properties = new java.util.Properties();
            properties.load(in);
            return distribution(Path.of(""), Path.of(properties.getProperty("opensearch.home")));
        } catch (IOException | NullPointerException e) {
            throw new IllegalStateException("testkit.properties is missing: build tools/testkit", e);
        }
    }

    /**
     * The recorded path alone is not enough: a module built on its own takes this jar from the local Maven repository,
     * where the last checkout to install it left it, recording that checkout's folder, which may since be gone.
     *
     * @param workingDirectory where the JVM runs: a module's folder or the root of a checkout
     * @param recorded         where the build of this jar unpacked the distribution
     * @return the same distribution unpacked by the checkout at or above {@code workingDirectory}, else
     *         {@code recorded}
     */
    static Path distribution(Path workingDirectory, Path recorded) {
        return RepositoryPath.lookUp(workingDirectory, "tools/testkit/target/opensearch/" + recorded.getFileName())
                .filter(home -> Files.isExecutable(home.resolve("bin/opensearch")))
                .orElse(recorded);
    }

    private static boolean runsAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /**
     * A server of its own, not started yet (its {@link #url()} is known before it is up); the caller starts it and
     * stops it with {@link #stopAndDelete()}.
     *
     * @param javaOptions more options for its JVM (after the 512 MiB heap), e.g. {@code -XX:TieredStopAtLevel=1}
     * @param httpPort    its HTTP port, or 0 for a free one
     */
    public static OpenSearchServer unstarted(String javaOptions, int httpPort) throws IOException {
        return new OpenSearchServer(javaOptions, httpPort);
    }

    /**
     * One server for a script (tools/container-images/run-image), on free loopback ports until this JVM is told to
     * stop (SIGTERM), which stops the server and deletes its data.
     *
     * @param args the file its HTTP port is written to once the cluster is yellow (written whole, then renamed)
     */
    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: OpenSearchServer PORT-FILE");
            System.exit(2);
        }
        OpenSearchServer server = unstarted("", 0);
        Runtime.getRuntime().addShutdownHook(new Thread(server::stopAndDelete));
        server.start();
        Path file = Path.of(args[0]);
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, Integer.toString(server.httpPort));
        Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Thread.currentThread().join();
    }

    /** @return the pid of its launcher, while it runs */
    public synchronized java.util.Optional<Long> pid() {
        return process == null ? java.util.Optional.empty() : java.util.Optional.of(process.pid());
    }

    /** @return the server of this JVM, started on first use */
    public static synchronized OpenSearchServer shared() {
        if (shared == null) {
            try {
                shared = new OpenSearchServer("", 0);
                shared.start();
                Runtime.getRuntime().addShutdownHook(new Thread(shared::stopAndDelete));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** @return {@code http://127.0.0.1:PORT} */
    public String url() {
        return "http://127.0.0.1:" + httpPort;
    }

    /** Starts the server (again) on the same ports and data, and waits until the cluster is yellow. */
    public synchronized void start() {
        start(pid -> { });
    }

    /**
     * As {@link #start()}, telling {@code spawned} its launcher's pid as soon as it exists, before the cluster answers.
     */
    public synchronized void start(java.util.function.LongConsumer spawned) {
        try {
            Files.createDirectories(work.resolve("data"));
            Files.createDirectories(work.resolve("logs"));
            Files.createDirectories(work.resolve("tmp"));
            // A config folder of its own: the distribution's is readable by its owner only, and nodes may write there.
            Path config = work.resolve("config");
            if (!Files.exists(config)) {
                try (Stream<Path> files = Files.walk(home.resolve("config"))) {
                    for (Path from : files.toList()) {
                        Path to = config.resolve(home.resolve("config").relativize(from).toString());
                        if (Files.isDirectory(from)) {
                            Files.createDirectories(to);
                        } else {
                            Files.copy(from, to);
                        }
                    }
                }
                // The launcher runs from the distribution's folder: point its relative log and dump paths here.
                Path jvmOptions = config.resolve("jvm.options");
                Files.writeString(jvmOptions, Files.readString(jvmOptions)
                        .replace("file=logs/", "file=" + work.resolve("logs") + "/")
                        .replace("ErrorFile=logs/", "ErrorFile=" + work.resolve("logs") + "/")
                        .replace("HeapDumpPath=data", "HeapDumpPath=" + work.resolve("data")));
            }
            List<String> command = new ArrayList<>();
            if (runsAsRoot()) {
                chownToNobody(work);
                command.addAll(UnprivilegedCopy.asUser(NOBODY));
            }
            command.addAll(List.of(home.resolve("bin/opensearch").toString(),
                                   "-E", "discovery.type=single-node",
                                   "-E", "network.host=127.0.0.1",
                                   "-E", "http.port=" + httpPort,
                                   "-E", "transport.port=" + transportPort,
                                   "-E", "path.data=" + work.resolve("data"),
                                   "-E", "path.logs=" + work.resolve("logs"),
                                   "-E", "action.auto_create_index=false"));
            // jvm.options writes gc.log and heap dumps relative to the working directory.
            ProcessBuilder builder = new ProcessBuilder(command).directory(work.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(work.resolve("console.log").toFile());
            builder.environment().put("JAVA_HOME", javaHome().toString());
            builder.environment().put("OPENSEARCH_JAVA_OPTS", ("-Xms512m -Xmx512m " + javaOptions).trim());
            builder.environment().put("OPENSEARCH_TMPDIR", work.resolve("tmp").toString());
            builder.environment().put("OPENSEARCH_PATH_CONF", config.toString());
            process = builder.start();
            spawned.accept(process.pid());
            waitUntilYellow(Duration.ofSeconds(120));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL after 30 s); its data stays for {@link #start()}. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    public void stopAndDelete() {
        stop();
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a leftover temporary folder is no reason to fail a run
        }
    }

    private void waitUntilYellow(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String as = runsAsRoot() ? " (run as " + NOBODY + ")" : "";
        HttpRequest health = HttpRequest.newBuilder(URI.create(url() + "/_cluster/health?wait_for_status=yellow&timeout=1s"))
                .timeout(Duration.ofSeconds(5)).build();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                int exit = process.exitValue();
                String why = switch (exit) {
                    case 126 -> "it could not be executed" + as + ": a folder on the way to " + home
                            + " is not readable and searchable by that user";
                    case 127 -> "its launcher was not found at " + home.resolve("bin/opensearch");
                    default -> "it exited with " + exit;
                };
                throw new IllegalStateException("OpenSearch did not start: " + why + ". Its output:\n" + consoleTail());
            }
            try {
                HttpResponse<String> response = HTTP.send(health, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200 && !response.body().contains("\"red\"")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(250);
        }
        stop();
        throw new IllegalStateException("OpenSearch was not yellow within " + timeout + ":\n" + consoleTail());
    }

    private String consoleTail() throws IOException {
        List<String> lines = Files.readAllLines(work.resolve("console.log"));
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    static Path javaHome() {
        String configured = System.getenv("OPENSEARCH_JAVA_HOME");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        try (Stream<Path> jvms = Files.list(Path.of("/usr/lib/jvm"))) {
            return jvms.filter(p -> Files.isExecutable(p.resolve("bin/java")))
                    .filter(p -> { int v = feature(p); return v >= 11 && v <= 23; })
                    .max(Comparator.comparingInt(OpenSearchServer::feature))
                    .orElseThrow(() -> new IllegalStateException(
                            "OpenSearch 2.19 needs a JDK 11-23; none in /usr/lib/jvm (set OPENSEARCH_JAVA_HOME)"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int feature(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(version.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }

    private static void chownToNobody(Path dir) throws IOException {
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        var nobody = users.lookupPrincipalByName("nobody");
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.toList()) {
                Files.setOwner(file, nobody);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
