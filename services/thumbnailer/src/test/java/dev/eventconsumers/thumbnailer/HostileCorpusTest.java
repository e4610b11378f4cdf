package dev.eventconsumers.thumbnailer;

import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.runtime.ServiceServer;
import dev.eventconsumers.testkit.HostileCorpus;
import dev.eventconsumers.testkit.TestConfig;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every event of the hostile corpus against the real server: no 5xx, problem+json on every 4xx, answered at once. */
class HostileCorpusTest {
    @Test
    void theServiceHoldsAgainstTheWholeCorpus() throws Exception {
        Config config = TestConfig.of(Map.of());
        Buckets buckets = Buckets.filesystem(Files.createTempDirectory("thumbnailer-hostile"));
        WebServer server = ServiceServer.start(config, ThumbnailerService.create(config, buckets));
        try {
            List<String> failures = HostileCorpus.replay(URI.create("http://127.0.0.1:" + server.port()),
                                                         HostileCorpus.Request::isEvent, Map.of());
            assertEquals(List.of(), failures);
        } finally {
            server.stop();
        }
    }
}
