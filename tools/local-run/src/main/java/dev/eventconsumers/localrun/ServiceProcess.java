package dev.eventconsumers.localrun;

import java.io.IOException;
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
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * One service of the local run as its own process: {@code java -jar services/NAME/target/NAME.jar} with the
 * environment its Knative manifest gives it and the local backends' addresses, its output in {@code logs/NAME.log}
 * (or on this terminal). Ready when {@code /observe/health/ready} answers 2xx. It can be stopped and started again
 * until it is closed; a closed service never starts again, even if a start was under way.
 */
final class ServiceProcess {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final String name;
    private final Path jar;
    private final int port;
    private final Map<String, String> env;
    private final List<String> javaOptions;
    private final Path log;
    private final DeliveryLog events;
    private final Watchdog watchdog;
    private Process process;
    private volatile boolean stopping;
    private boolean closed;

    /**
     * @param log    its output file, or null for this terminal
     * @param events where an unexpected exit is noted, or null
     */
    ServiceProcess(String name, Path jar, int port, Map<String, String> env, List<String> javaOptions, Path log,
                   DeliveryLog events, Watchdog watchdog) {
        this.name = name;
        this.jar = jar;
        this.port = port;
        this.env = env;
        this.javaOptions = javaOptions;
        this.log = log;
        this.events = events;
        this.watchdog = watchdog;
    }

    String name() {
        return name;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + port + "/");
    }

    Path log() {
        return log;
    }

    synchronized Optional<Long> pid() {
        return process != null && process.isAlive() ? Optional.of(process.pid()) : Optional.empty();
    }

    /** Starts the process (when it is not running) and waits, at most {@code timeout}, until it is ready. */
    void start(Duration timeout) {
        try {
            startAndWait(timeout);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot start " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while starting " + name, e);
        }
    }

    private void startAndWait(Duration timeout) throws IOException, InterruptedException {
        Process started;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(name + " is not started: the local run is stopping");
            }
            if (process != null && process.isAlive()) {
                return;
            }
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException(jar + " is missing: build it first (./dev up builds everything)");
            }
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(javaOptions);
            command.addAll(List.of("-jar", jar.toString()));
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            if (log != null) {
                Files.createDirectories(log.getParent());
                builder.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            } else {
                builder.inheritIO();
            }
            builder.environment().putAll(env);
            builder.environment().put("PORT", Integer.toString(port));
            stopping = false;
            process = builder.start();
            started = process;
            watchdog.watch(started.pid());
            started.onExit().thenAccept(p -> {
                if (!stopping && events != null) {
                    events.note(name + " exited with " + p.exitValue() + " (log: " + log + "); start it again with "
                                        + "POST /services/" + name + "/start");
                }
            });
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest ready = HttpRequest.newBuilder(url().resolve("/observe/health/ready"))
                .timeout(Duration.ofSeconds(2)).build();
        while (System.nanoTime() < deadline) {
            if (!started.isAlive()) {
                throw new IllegalStateException(name + " exited with " + started.exitValue() + " while starting; "
                                                        + "see " + log);
            }
            try {
                int status = HTTP.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status >= 200 && status < 300) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(name + " was not ready within " + timeout + "; see " + log);
    }

    /** Stops the process for good: it will not start again. */
    void close() {
        synchronized (this) {
            closed = true;
        }
        stop();
    }

    /** @return the exit status, once the process has ended */
    int waitFor() throws InterruptedException {
        Process p;
        synchronized (this) {
            p = process;
        }
        return p == null ? 0 : p.waitFor();
    }

    /** Stops the process: SIGTERM (the server's graceful shutdown), SIGKILL after 10 s. */
    void stop() {
        Process p;
        synchronized (this) {
            p = process;
            stopping = true;
        }
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
