package dev.eventconsumers.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What Google's emulators have in common: a launcher under the Google Cloud CLI's {@code platform/} folder
 * ({@link GoogleCloudSdk}), started on a loopback port, ready when {@code GET /} answers 200, and stopped with the JVM
 * its launcher forks.
 */
public final class EmulatorProcess {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private EmulatorProcess() {
    }

    /**
     * Starts the launcher on a port and waits (60 s at most) until it answers.
     *
     * @param name        for messages, e.g. {@code Firestore}
     * @param command     the launcher and its arguments before the host and port options
     * @param port        the port, or 0 for a free one
     * @param environment added to the launcher's environment (e.g. {@code JAVA_TOOL_OPTIONS})
     * @return the running process and its {@code 127.0.0.1:PORT}
     */
    public static Running start(String name, List<String> command, int port, Map<String, String> environment) {
        return start(name, command, port, environment, pid -> { });
    }

    /**
     * As {@link #start(String, List, int, Map)}, telling {@code spawned} the launcher's pid as soon as it exists, before
     * the emulator answers (a watchdog must know it while the emulator is still starting).
     */
    public static Running start(String name, List<String> command, int port, Map<String, String> environment,
                                java.util.function.LongConsumer spawned) {
        try {
            if (port == 0) {
                port = FreePort.find();
            }
            Path log = Files.createTempFile(name.toLowerCase().replaceAll("[^a-z0-9]", "") + "-emulator", ".log");
            List<String> full = new ArrayList<>(command);
            full.addAll(List.of("--host=127.0.0.1", "--port=" + port));
            ProcessBuilder builder = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            spawned.accept(process.pid());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the " + name + " emulator exited: " + Files.readString(log));
                }
                try {
                    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        return new Running("127.0.0.1:" + port, process);
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(50);
            }
            stop(process);
            throw new IllegalStateException("the " + name + " emulator did not answer within 60 s: "
                                                    + Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param host    {@code 127.0.0.1:PORT}
     * @param process the launcher
     */
    public record Running(String host, Process process) {
    }

    /** Stops the launcher and the JVM it forked, and waits (10 s, then SIGKILL) until both have ended. */
    public static void stop(Process process) {
        List<ProcessHandle> forked = process.descendants().toList();
        forked.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            for (ProcessHandle child : forked) {
                try {
                    child.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                    child.destroyForcibly();
                }
            }
            if (!process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
