package dev.eventconsumers.orders;

import com.google.cloud.firestore.Firestore;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

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
        for (String root : List.of(System.getenv().getOrDefault("CLOUDSDK_ROOT_DIR", ""), "/usr/lib/google-cloud-sdk",
                                   "/usr/share/google-cloud-sdk", System.getProperty("user.home") + "/google-cloud-sdk")) {
            Path script = Path.of(root, "platform", "cloud-firestore-emulator", "cloud_firestore_emulator");
            if (!root.isEmpty() && Files.isExecutable(script)) {
                return Optional.of(script);
            }
        }
        return Optional.empty();
    }

    private static FirestoreEmulator start(Path launcher) {
        try {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Path log = Files.createTempFile("firestore-emulator", ".log");
            Process process = new ProcessBuilder(launcher.toString(), "start", "--host=127.0.0.1", "--port=" + port)
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            FirestoreEmulator emulator = new FirestoreEmulator("127.0.0.1:" + port, process);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Firestore emulator exited: " + Files.readString(log));
                }
                try {
                    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200) {
                        return emulator;
                    }
                } catch (IOException notYet) {
                    // not listening yet
                }
                Thread.sleep(50);
            }
            emulator.stop();
            throw new IllegalStateException("the Firestore emulator did not answer within 60 s: " + Files.readString(log));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private void stop() {
        if (process == null) {
            return;
        }
        // The launcher script forks the emulator's JVM: stop that too.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
