package dev.eventconsumers.orders;

import com.google.cloud.firestore.Firestore;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Google's Firestore emulator for tests, found in this order: one already running ({@code FIRESTORE_EMULATOR_HOST}),
 * the Google Cloud CLI's launcher ({@code platform/cloud-firestore-emulator/} under the SDK root). One per test JVM,
 * on a free loopback port, stopped (with the Java process its launcher forks) when the JVM exits. Where there is no
 * emulator at all, the tests that need one are reported as not run, with the reason; never as passed.
 */
public final class FirestoreEmulator {
    public static final String PROJECT = "demo-orders";
    private static FirestoreEmulator shared;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String host;
    private final Process process;

    private FirestoreEmulator(String host, Process process) {
        this.host = host;
        this.process = process;
    }

    /** @return the emulator of this JVM; aborts the calling test (not run, with the reason) where there is none */
    public static synchronized FirestoreEmulator shared() {
        if (shared == null) {
            String running = System.getenv("FIRESTORE_EMULATOR_HOST");
            if (running != null && !running.isBlank()) {
                shared = new FirestoreEmulator(running, null);
            } else {
                Optional<Path> launcher = launcher();
                Assumptions.assumeTrue(launcher.isPresent(), "not run: no Firestore emulator here (no "
                        + "FIRESTORE_EMULATOR_HOST, no Google Cloud CLI with cloud-firestore-emulator)");
                shared = start(launcher.get());
                Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
            }
        }
        return shared;
    }

    /** @return {@code 127.0.0.1:PORT} */
    public String host() {
        return host;
    }

    /** @return a Firestore client for this emulator */
    public Firestore client() {
        return FirestoreOrderStore.client(PROJECT, Optional.of(host));
    }

    /** Deletes every document of the project. */
    public void reset() {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(
                    "http://" + host + "/emulator/v1/projects/" + PROJECT + "/databases/(default)/documents"))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("emulator reset answered " + response.statusCode());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Optional<Path> launcher() {
        return EmulatorProcess.launcher("platform/cloud-firestore-emulator/cloud_firestore_emulator");
    }

    private static FirestoreEmulator start(Path launcher) {
        EmulatorProcess.Running running = EmulatorProcess.start("Firestore", List.of(launcher.toString(), "start"));
        return new FirestoreEmulator(running.host(), running.process());
    }

    private void stop() {
        if (process != null) {
            EmulatorProcess.stop(process);
        }
    }
}
