package dev.eventconsumers.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * Google's Firestore emulator for tests, from where {@link EmulatorSource} finds one. One per test JVM, on a free
 * loopback port, stopped (with the Java process its launcher forks) when the JVM exits. Where there is no emulator at
 * all, the tests that need one are reported as not run, with the reason; never as passed.
 */
public final class FirestoreEmulator {
    /** The project every test uses. */
    public static final String PROJECT = "demo-orders";
    private static FirestoreEmulator shared;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String host;

    private FirestoreEmulator(String host) {
        this.host = host;
    }

    /** @return the emulator of this JVM; aborts the calling test (not run, with the reason) where there is none */
    public static synchronized FirestoreEmulator shared() {
        if (shared == null) {
            shared = new FirestoreEmulator(GoogleEmulator.FIRESTORE.startForTests());
        }
        return shared;
    }

    /** @return {@code 127.0.0.1:PORT} */
    public String host() {
        return host;
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
}
