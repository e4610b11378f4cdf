package dev.eventconsumers.testkit;

import io.helidon.config.Config;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmulatorSourceTest {
    static final Path LAUNCHER = Path.of("/sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator");

    @Test
    void aRunningEmulatorWinsOverEverything() {
        assertEquals(new EmulatorSource.Running("127.0.0.1:8081"), EmulatorSource.choose(
                "Firestore", "FIRESTORE_EMULATOR_HOST", Optional.of(" 127.0.0.1:8081 "), Optional.of(LAUNCHER),
                () -> true));
    }

    @Test
    void theGoogleCloudCliComesBeforeDockerWhichIsNotEvenAsked() {
        AtomicBoolean asked = new AtomicBoolean();
        assertEquals(new EmulatorSource.Cli(LAUNCHER), EmulatorSource.choose(
                "Firestore", "FIRESTORE_EMULATOR_HOST", Optional.of(""), Optional.of(LAUNCHER), () -> asked.getAndSet(true)));
        assertFalse(asked.get(), "asking Docker is slow: only when nothing else applies");
    }

    @Test
    void dockerWithoutTheCliUsesGooglesImage() {
        assertEquals(new EmulatorSource.Docker(), EmulatorSource.choose(
                "Pub/Sub", "PUBSUB_EMULATOR_HOST", Optional.empty(), Optional.empty(), () -> true));
    }

    @Test
    void nothingAtAllSaysWhyAndHowToInstall() {
        EmulatorSource none = EmulatorSource.choose("Pub/Sub", "PUBSUB_EMULATOR_HOST", Optional.empty(),
                                                    Optional.empty(), () -> false);
        String reason = assertInstanceOf(EmulatorSource.None.class, none).reason();
        assertTrue(reason.contains("PUBSUB_EMULATOR_HOST") && reason.contains("google-cloud-cli-pubsub-emulator")
                           && reason.contains("Docker"), reason);
    }

    @Test
    void googlesEmulatorImageAnswersThroughTestcontainers() throws Exception {
        Assumptions.assumeTrue(EmulatorSource.dockerAvailable(),
                               "not run: no Docker engine here for Testcontainers (the Google Cloud CLI path runs instead)");
        GoogleEmulator.Started started = GoogleEmulator.FIRESTORE.start(new EmulatorSource.Docker(), 0, Map.of());
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://" + started.host() + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode());
        } finally {
            started.stop().run();
        }
    }

    @Test
    void testConfigPutsTheTestsSettingsOverTheServicesOwnAndIgnoresTheEnvironment() {
        Config config = TestConfig.of(Map.of("greeting.text", "from the test"));
        assertEquals("from the test", config.get("greeting.text").asString().get());
        assertEquals("0", config.get("server.port").asString().get(), "a free port");
        assertEquals("127.0.0.1", config.get("server.host").asString().get());
        assertTrue(config.get("path").asString().isEmpty(), "no PATH from the environment");
    }
}
