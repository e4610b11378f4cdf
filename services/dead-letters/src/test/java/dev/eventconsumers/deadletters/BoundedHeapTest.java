package dev.eventconsumers.deadletters;

import dev.eventconsumers.blobstore.BlobStore;
import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.blobstore.GcsBlobStore;
import dev.eventconsumers.runtime.ServiceServer;
import dev.eventconsumers.testkit.GcsStandIn;
import dev.eventconsumers.testkit.Platform;
import dev.eventconsumers.testkit.TestConfig;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The sink at its container concurrency (50) with the largest events it takes (16 MiB each), in the heap its manifest
 * gives it (75% of 256 MiB: 192 MiB). 50 such bodies once meant 800 MiB in flight; now bodies wait for room, and those
 * that wait too long are answered 503 and delivered again, as a platform does: every one is kept, none is lost. The
 * same on Cloud Storage, through Google's client on its real transport (the build's stand-in for the JSON API): its
 * upload buffer once took 16 MiB per write however small the letter, so 50 letters of 1 KiB at once needed 800 MiB.
 */
class BoundedHeapTest {
    @Test
    void fiftyEventsOfSixteenMebibytesAtOnceAreAllKept() throws Exception {
        Platform.requireHeap(192);
        java.nio.file.Path folder = Files.createTempDirectory("dead-letters-heap");
        try {
            keepsAll(Buckets.filesystem(folder), 16 * 1024 * 1024 - 4096);
        } finally {
            try (var files = Files.walk(folder)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    @Test
    void fiftySmallEventsAtOnceAreAllKeptOnCloudStorage() throws Exception {
        Platform.requireHeap(192);
        try (GcsStandIn gcs = GcsStandIn.start()) {
            keepsAll(onCloudStorage(gcs), 1024);
        }
    }

    @Test
    void fiftyEventsOfSixteenMebibytesAtOnceAreAllKeptOnCloudStorage() throws Exception {
        Platform.requireHeap(192);
        try (GcsStandIn gcs = GcsStandIn.start()) {
            keepsAll(onCloudStorage(gcs), 16 * 1024 * 1024 - 4096);
        }
    }

    private static void keepsAll(Buckets buckets, int size) throws Exception {
        Config config = TestConfig.of(Map.of());
        WebServer server = ServiceServer.start(config, DeadLettersService.create(config, buckets, Clock.systemUTC()));
        try {
            byte[] data = new byte[size];
            Arrays.fill(data, (byte) 'x');
            List<HttpRequest> events = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                events.add(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/"))
                                   .timeout(Duration.ofMinutes(2))
                                   .header("ce-specversion", "1.0").header("ce-id", "big-" + i)
                                   .header("ce-source", "//test").header("ce-type", "dev.example.big")
                                   .header("Content-Type", "application/octet-stream")
                                   .POST(Platform.body(data)).build());
            }
            List<HttpResponse<String>> answers = Platform.deliver(events, 50, Duration.ofMinutes(5));
            answers.forEach(answer -> assertEquals(204, answer.statusCode(), answer.body()));
            BlobStore bucket = buckets.bucket("dead-letters");
            assertEquals(50, bucket.list("dead-letters/").size());
        } finally {
            server.stop();
        }
    }

    /** @return buckets on the stand-in, through the services' own client */
    private static Buckets onCloudStorage(GcsStandIn gcs) {
        return Buckets.gcs(GcsBlobStore.client(Optional.of(gcs.endpoint()), Optional.of("test")));
    }
}
