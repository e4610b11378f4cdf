package dev.eventconsumers.localrun;

import dev.eventconsumers.testkit.EmulatorSource;
import dev.eventconsumers.testkit.GoogleEmulator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever the local run started ends with it: when its start fails half way, and when it is killed outright (SIGKILL,
 * which no shutdown hook sees). Its children are found by the state folder each one's command line names.
 */
class LocalRunFailureTest {
    @BeforeAll
    static void emulators() {
        for (GoogleEmulator emulator : GoogleEmulator.values()) {
            if (emulator.source(Optional.empty()) instanceof EmulatorSource.None none) {
                Assumptions.abort("not run: the local run needs Google's " + emulator.title() + " emulator: "
                                          + none.reason());
            }
        }
    }

    @Test
    void aFailedStartStopsTheServicesItHadStarted() throws Exception {
        Path state = Files.createTempDirectory("local-run-failure");
        // OpenSearch cannot start without its JDK; by then the services have been started.
        Process run = start(state, "OPENSEARCH_JAVA_HOME", state.resolve("no-such-jdk").toString());
        assertTrue(run.waitFor(120, TimeUnit.SECONDS), "the local run did not give up");
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(1, run.exitValue(), output);
        assertTrue(output.contains("local-run: "), output);
        assertNothingLeft(state);
    }

    @Test
    void killedOutrightItsWatchdogStopsEverything() throws Exception {
        Path state = Files.createTempDirectory("local-run-killed");
        Process run = start(state, "LOCAL_RUN_TEST", "killed");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (children(state).size() < 6 && System.nanoTime() < deadline) {
            assertTrue(run.isAlive(), "the local run ended early");
            Thread.sleep(100);
        }
        assertTrue(children(state).size() >= 6, "the services did not start: " + children(state));
        // The emulators and OpenSearch are still starting now; their command lines do not name the state folder, so
        // they are followed as the run's descendants (a killed run's children are re-parented, and lost to that view).
        List<ProcessHandle> started = run.descendants().toList();
        assertTrue(started.stream().anyMatch(p -> p.info().commandLine().orElse("").contains("emulator")),
                   "no emulator had been started: " + started.stream().map(ProcessHandle::info).toList());
        run.destroyForcibly();
        run.waitFor(10, TimeUnit.SECONDS);
        assertNothingLeft(state);
        assertEnded(started);
    }

    private static void assertEnded(List<ProcessHandle> processes) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(List.of(), processes.stream().filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList());
    }

    private static Process start(Path state, String variable, String value) throws IOException {
        Path root = GraphProcess.repositoryRoot();
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        if (Runtime.version().feature() >= 24) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        command.addAll(List.of("-jar", root.resolve("tools/local-run/target/local-run.jar").toString(), "up",
                               "--root", root.toString(), "--buckets", state.resolve("buckets").toString(),
                               "--state", state.toString(), "--free-ports"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put(variable, value);
        return builder.start();
    }

    /** Processes whose command line names the state folder: the services (class-data archives) and emulators. */
    private static List<ProcessHandle> children(Path state) {
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains(state.toString()))
                .filter(p -> p.pid() != ProcessHandle.current().pid())
                .toList();
    }

    private static void assertNothingLeft(Path state) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!children(state).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(List.of(), children(state).stream()
                .map(p -> p.pid() + " " + p.info().commandLine().orElse("")).toList());
    }
}
