package dev.eventconsumers.dailyreport;

import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.runtime.ServiceServer;
import dev.eventconsumers.testkit.FirestoreEmulator;
import dev.eventconsumers.testkit.HostileCorpus;
import dev.eventconsumers.testkit.TestConfig;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every event of the hostile corpus against the real report on the Firestore emulator. */
class HostileCorpusTest {
    @Test
    void theReportHoldsAgainstTheWholeCorpus() throws Exception {
        FirestoreEmulator emulator = FirestoreEmulator.shared();
        emulator.reset();
        Config config = TestConfig.of(Map.of("gcp.project", FirestoreEmulator.PROJECT,
                                             "firestore.emulator.host", emulator.host(), "firestore.timeout", "PT2S"));
        DailyReportService service = DailyReportService.create(
                config, Buckets.filesystem(Files.createTempDirectory("report-hostile")), Clock.systemUTC());
        WebServer server = ServiceServer.start(config, service);
        try {
            List<String> failures = HostileCorpus.replay(URI.create("http://127.0.0.1:" + server.port()),
                                                         HostileCorpus.Request::isEvent, Map.of());
            assertEquals(List.of(), failures);
        } finally {
            server.stop();
            service.close();
        }
    }
}
