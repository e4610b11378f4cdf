package dev.eventconsumers.orderworker;

import dev.eventconsumers.testkit.HostileCorpus;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every event of the hostile corpus against the real worker on the emulators. */
class HostileCorpusTest {
    @Test
    void theWorkerHoldsAgainstTheWholeCorpus() {
        try (WorkerServer worker = new WorkerServer()) {
            // The order the corpus's well-formed pushes name, so they reach the worker's own checks.
            worker.seedOrderWithId("ORD-20261127-1a2b3c4d");
            List<String> failures = HostileCorpus.replay(worker.uri(), HostileCorpus.Request::isEvent,
                                                         Map.of());
            assertEquals(List.of(), failures);
        }
    }
}
