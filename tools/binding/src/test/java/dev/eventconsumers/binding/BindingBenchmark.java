package dev.eventconsumers.binding;

import dev.eventconsumers.testkit.FreePort;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-event overhead, side by side in one run: Google's Functions Framework 2.0.0 (a function parsing the event's data
 * with Jackson), bare Helidon SE (cloudevents-http-basic and Jackson, nothing else), and each service's acknowledge
 * path (an event its handler skips, or has handled already), each its own JVM with the images' flags
 * ({@code -XX:TieredStopAtLevel=1 -XX:+UseSerialGC}, the same heap for all, log level WARNING), loaded by wrk with one
 * thread at each concurrency step after a warm-up, interleaved step by step. It prints requests per second, p99 and the
 * process's RSS after the load, and each against the Functions Framework.
 * <p>
 * Run: {@code ./dev bench binding [--warm-up S] [--duration S] [--steps 16,64] [--only NAME,NAME]} (defaults 10 s,
 * 15 s, 16 and 64 connections). Needs wrk (Debian: {@code apt-get install wrk}).
 */
public final class BindingBenchmark {
    static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx512m",
                                                  "-Xshare:auto");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private BindingBenchmark() {
    }

    /**
     * One server under load.
     *
     * @param name    row name
     * @param command how to start it (the port is in it)
     * @param env     its environment additions
     * @param headers the request's headers
     * @param body    the request's body
     * @param port    where it listens
     */
    record Target(String name, List<String> command, Map<String, String> env, Map<String, String> headers, Path body,
                  int port) {
    }

    /** What wrk measured. */
    record Result(double requestsPerSecond, double p99Millis, long non2xx) {
    }

    public static void main(String[] args) throws Exception {
        int warmUp = 10;
        int duration = 15;
        List<Integer> steps = List.of(16, 64);
        List<String> only = List.of();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--warm-up" -> warmUp = Integer.parseInt(args[++i]);
                case "--duration" -> duration = Integer.parseInt(args[++i]);
                case "--steps" -> steps = java.util.Arrays.stream(args[++i].split(",")).map(Integer::parseInt).toList();
                case "--only" -> only = List.of(args[++i].split(","));
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Path root = repositoryRoot();
        requireWrk();
        Path work = Files.createTempDirectory("binding-bench");
        List<Target> targets = targets(root, work);
        if (!only.isEmpty()) {
            List<String> wanted = only;
            targets = targets.stream().filter(t -> wanted.contains(t.name())).toList();
        }
        System.out.printf("JDK %s, %d cores; flags %s; wrk -t1, %d s warm-up, %d s per step%n", Runtime.version(),
                          Runtime.getRuntime().availableProcessors(), String.join(" ", JVM_FLAGS), warmUp, duration);
        Map<String, Process> processes = new LinkedHashMap<>();
        Map<String, Map<Integer, Result>> results = new LinkedHashMap<>();
        try {
            for (Target target : targets) {
                processes.put(target.name(), start(target, work));
                results.put(target.name(), new LinkedHashMap<>());
            }
            for (int connections : steps) {
                for (Target target : targets) {
                    Path script = luaScript(target, work);
                    wrk(target, script, connections, warmUp);
                    Result result = wrk(target, script, connections, duration);
                    results.get(target.name()).put(connections, result);
                    System.out.printf("  %-28s c%-3d %9.0f req/s  p99 %7.2f ms%s%n", target.name(), connections,
                                      result.requestsPerSecond(), result.p99Millis(),
                                      result.non2xx() > 0 ? "  (" + result.non2xx() + " not 2xx!)" : "");
                }
            }
            Map<String, Long> rss = new LinkedHashMap<>();
            processes.forEach((name, process) -> rss.put(name, rssMiB(process)));
            print(targets, steps, results, rss);
        } finally {
            processes.values().forEach(Process::destroy);
            for (Process process : processes.values()) {
                process.waitFor(15, TimeUnit.SECONDS);
            }
        }
        System.exit(0);
    }

    static List<Target> targets(Path root, Path work) throws Exception {
        Path samples = root.resolve("cloudevents/samples");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<Target> targets = new ArrayList<>();

        Path ff = root.resolve("tools/container-images/functions-framework/target");
        if (!Files.exists(ff.resolve("invoker/java-function-invoker-2.0.0.jar"))) {
            run(root, List.of(root.resolve("mvnw").toString(), "-B", "-q", "-ntp", "-f",
                              "tools/container-images/functions-framework/pom.xml", "package"));
        }
        Map<String, String> storage = headers(samples.resolve("storage-finalized.headers"));
        Path storageBody = samples.resolve("storage-finalized.json");
        int port = FreePort.find();
        targets.add(new Target("functions-framework 2.0.0", List.of(
                java.toString(), String.join(" ", JVM_FLAGS), "-jar",
                ff.resolve("invoker/java-function-invoker-2.0.0.jar").toString(), "--classpath",
                ff.resolve("classes") + ":" + ff.resolve("function-libs") + "/*", "--target", "coldstart.Parse",
                "--port", Integer.toString(port)), Map.of(), storage, storageBody, port));

        port = FreePort.find();
        targets.add(new Target("bare helidon", List.of(java.toString(), String.join(" ", JVM_FLAGS), "-cp",
                                                       System.getProperty("java.class.path"),
                                                       BareHelidon.class.getName(), Integer.toString(port)),
                               Map.of(), storage, storageBody, port));

        Path buckets = Files.createDirectories(work.resolve("buckets"));
        Map<String, String> services = Map.of("LOG_LEVEL", "WARNING", "LOG_FORMAT", "json", "GCP_PROJECT", "bench",
                                              "BLOBSTORE_KIND", "filesystem", "BLOBSTORE_ROOT", buckets.toString(),
                                              "FIRESTORE_EMULATOR_HOST", "127.0.0.1:9",
                                              "PUBSUB_EMULATOR_HOST", "127.0.0.1:9",
                                              "OPENSEARCH_URL", "http://127.0.0.1:9");
        // The thumbnailer skips an object outside uploads/ without I/O.
        Map<String, String> outside = new LinkedHashMap<>(storage);
        outside.put("ce-subject", "objects/other/photo.jpg");
        Path outsideBody = Files.writeString(work.resolve("storage-outside.json"), Files.readString(storageBody)
                .replace("uploads/photo.jpg", "other/photo.jpg").replace("uploads%2Fphoto.jpg", "other%2Fphoto.jpg"));
        targets.add(service(root, java, "thumbnailer", "thumbnailer (skips: not under uploads/)", services, outside,
                            outsideBody));
        // The indexer skips a document outside orders/ without I/O.
        targets.add(service(root, java, "search-indexer", "search-indexer (skips: not an order)", services,
                            headers(samples.resolve("firestore-written-other.headers")),
                            samples.resolve("firestore-written-other.pb")));
        // The sink keeps the event once; every repeat finds it kept (one conditional create that fails).
        targets.add(service(root, java, "dead-letters", "dead-letters (already kept)", services, storage,
                            storageBody));
        // The report of the tick's day exists already: one stat, then done.
        Path report = buckets.resolve("reports/reports/daily/2026-11-26.json");
        Files.createDirectories(report.getParent());
        Files.writeString(report, "{}");
        targets.add(service(root, java, "daily-report", "daily-report (report exists)", services,
                            headers(samples.resolve("ping.headers")), samples.resolve("ping.json")));
        return targets;
    }

    static Target service(Path root, Path java, String module, String name, Map<String, String> env,
                          Map<String, String> headers, Path body) {
        int port = FreePort.find();
        Path jar = root.resolve("services/" + module + "/target/" + module + ".jar");
        Map<String, String> all = new LinkedHashMap<>(env);
        all.put("PORT", Integer.toString(port));
        List<String> command = new ArrayList<>(List.of(java.toString(), String.join(" ", JVM_FLAGS),
                                                       "--enable-native-access=ALL-UNNAMED",
                                                       "--sun-misc-unsafe-memory-access=allow",
                                                       "-jar", jar.toString()));
        return new Target(name, command, all, headers, body, port);
    }

    static Map<String, String> headers(Path file) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    static Process start(Target target, Path work) throws Exception {
        List<String> command = new ArrayList<>();
        for (String part : target.command()) {
            // JVM_FLAGS travel as one string above; split them back into arguments.
            command.addAll(part.startsWith("-XX:") ? List.of(part.split(" ")) : List.of(part));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve(target.name().replaceAll("[^a-z0-9]+", "-") + ".log").toFile());
        builder.environment().putAll(target.env());
        Process process = builder.start();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port() + "/"))
                .timeout(Duration.ofSeconds(5)).POST(HttpRequest.BodyPublishers.ofFile(target.body()));
        target.headers().forEach(request::header);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(target.name() + " exited: see " + work);
            }
            try {
                int status = HTTP.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status / 100 == 2) {
                    return process;
                }
                throw new IllegalStateException(target.name() + " answers its event with " + status);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException(target.name() + " did not answer within 90 s");
    }

    static Path luaScript(Target target, Path work) throws IOException {
        StringBuilder lua = new StringBuilder("wrk.method = \"POST\"\n");
        lua.append("local f = io.open(\"").append(target.body()).append("\", \"rb\")\n");
        lua.append("wrk.body = f:read(\"*all\")\nf:close()\n");
        target.headers().forEach((name, value) -> lua.append("wrk.headers[\"").append(name).append("\"] = \"")
                .append(value.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n"));
        return Files.writeString(work.resolve(target.name().replaceAll("[^a-z0-9]+", "-") + ".lua"), lua.toString());
    }

    static Result wrk(Target target, Path script, int connections, int seconds) throws Exception {
        Process wrk = new ProcessBuilder("wrk", "-t1", "-c" + connections, "-d" + seconds + "s", "--latency",
                                         "--timeout", "10s", "-s", script.toString(),
                                         "http://127.0.0.1:" + target.port() + "/").redirectErrorStream(true).start();
        String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!wrk.waitFor(seconds + 60L, TimeUnit.SECONDS) || wrk.exitValue() != 0) {
            throw new IllegalStateException("wrk failed on " + target.name() + ":\n" + out);
        }
        Matcher rate = Pattern.compile("Requests/sec:\\s+([0-9.]+)").matcher(out);
        Matcher p99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)").matcher(out);
        Matcher errors = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)").matcher(out);
        if (!rate.find() || !p99.find()) {
            throw new IllegalStateException("unexpected wrk output:\n" + out);
        }
        double value = Double.parseDouble(p99.group(1));
        double millis = switch (p99.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
        return new Result(Double.parseDouble(rate.group(1)), millis, errors.find() ? Long.parseLong(errors.group(1)) : 0);
    }

    static long rssMiB(Process process) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    static void print(List<Target> targets, List<Integer> steps, Map<String, Map<Integer, Result>> results,
                      Map<String, Long> rss) {
        String yardstick = targets.getFirst().name();
        StringBuilder header = new StringBuilder(String.format("%n| %-38s |", "server"));
        StringBuilder rule = new StringBuilder("|---|");
        for (int c : steps) {
            header.append(String.format(" c%d req/s | c%d p99 |", c, c));
            rule.append("---|---|");
        }
        header.append(" RSS after load |");
        rule.append("---|");
        System.out.println(header);
        System.out.println(rule);
        for (Target target : targets) {
            StringBuilder row = new StringBuilder(String.format("| %-38s |", target.name()));
            for (int c : steps) {
                Result r = results.get(target.name()).get(c);
                Result ff = results.get(yardstick).get(c);
                String ratio = target.name().equals(yardstick) ? ""
                        : String.format(" (%.2fx)", r.requestsPerSecond() / ff.requestsPerSecond());
                String p99Ratio = target.name().equals(yardstick) ? ""
                        : String.format(" (%.2fx)", r.p99Millis() / ff.p99Millis());
                row.append(String.format(" %,.0f%s | %.2f ms%s |", r.requestsPerSecond(), ratio, r.p99Millis(),
                                         p99Ratio));
            }
            row.append(String.format(" %d MiB |", rss.get(target.name())));
            System.out.println(row);
        }
    }

    static void requireWrk() {
        try {
            new ProcessBuilder("wrk", "--version").redirectErrorStream(true).start().waitFor();
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("wrk is needed: apt-get install wrk", e);
        }
    }

    static void run(Path dir, List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).directory(dir.toFile()).inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed");
        }
    }

    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve("tools/container-images/functions-framework/pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("run from the repository");
    }
}
