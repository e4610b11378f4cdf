package dev.eventconsumers.searchindexer;

import dev.eventconsumers.runtime.ServiceServer;
import dev.eventconsumers.testkit.HostileCorpus;
import dev.eventconsumers.testkit.OpenSearchServer;
import dev.eventconsumers.testkit.TestConfig;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every event of the hostile corpus against the real indexer and a real OpenSearch. */
class HostileCorpusTest {
    @Test
    void theIndexerHoldsAgainstTheWholeCorpus() {
        Config config = TestConfig.of(Map.of("opensearch.url", OpenSearchServer.shared().url(),
                                             "opensearch.index", "orders-hostile"));
        WebServer server = ServiceServer.start(config, SearchIndexerService.create(config));
        try {
            List<String> failures = HostileCorpus.replay(URI.create("http://127.0.0.1:" + server.port()),
                                                         HostileCorpus.Request::isEvent, Map.of());
            assertEquals(List.of(), failures);
        } finally {
            server.stop();
        }
    }
}
