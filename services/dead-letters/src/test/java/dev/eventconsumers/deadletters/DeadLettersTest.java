package dev.eventconsumers.deadletters;

import dev.eventconsumers.blobstore.BlobInfo;
import dev.eventconsumers.blobstore.BlobStore;
import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.testkit.UnreachableStorage;
import dev.eventconsumers.testkit.Sample;
import dev.eventconsumers.testkit.TestConfig;
import dev.eventconsumers.runtime.ServiceServer;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ServerTest
class DeadLettersTest {
    static final HttpClient CLIENT = HttpClient.newHttpClient();
    static final Buckets BUCKETS = buckets();
    static final BlobStore BUCKET = BUCKETS.bucket("dead-letters");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-27T12:00:00Z"), ZoneOffset.UTC);

    private final URI uri;

    DeadLettersTest(URI uri) {
        this.uri = uri;
    }

    static Buckets buckets() {
        try {
            return Buckets.filesystem(Files.createTempDirectory("dead-letters"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        ServiceServer.routing(routing);
        DeadLettersService.create(TestConfig.of(Map.of()), BUCKETS, CLOCK).routing(routing);
    }

    @BeforeEach
    void empty() {
        BUCKET.list("").forEach(b -> BUCKET.delete(b.name()));
    }

    HttpResponse<String> send(Sample sample) throws Exception {
        return CLIENT.send(sample.request(uri), HttpResponse.BodyHandlers.ofString());
    }

    static CloudEvent kept(String name) {
        byte[] json = BUCKET.read(name).orElseThrow(() -> new AssertionError("nothing kept as " + name + " in "
                + BUCKET.list("").stream().map(BlobInfo::name).toList()));
        return EventFormatProvider.getInstance().resolveFormat(JsonFormat.CONTENT_TYPE).deserialize(json);
    }

    @ParameterizedTest
    @ValueSource(strings = {"storage-finalized", "firestore-written", "pubsub-published", "scheduler-executed", "ping"})
    void everyEventIsKeptUnchangedUnderItsTypeDateAndId(String name) throws Exception {
        Sample sample = Sample.load(name);
        HttpResponse<String> response = send(sample);
        assertEquals(204, response.statusCode(), response.body());
        String date = sample.header("ce-time").substring(0, 10);
        CloudEvent kept = kept("dead-letters/" + sample.header("ce-type") + "/" + date + "/"
                                       + java.net.URLEncoder.encode(sample.header("ce-id"), "UTF-8"));
        assertEquals(sample.header("ce-id"), kept.getId());
        assertEquals(sample.header("ce-source"), kept.getSource().toString());
        assertEquals(sample.header("Content-Type"), kept.getDataContentType());
        assertArrayEquals(sample.body(), kept.getData().toBytes(), "data kept byte for byte");
    }

    @Test
    void knativeErrorExtensionsAreKept() throws Exception {
        Sample sample = Sample.load("storage-finalized").withHeader("ce-id", "failed-1")
                .withHeader("ce-knativeerrordest", "http://thumbnailer.default.svc.cluster.local")
                .withHeader("ce-knativeerrorcode", "422");
        assertEquals(204, send(sample).statusCode());
        CloudEvent kept = kept("dead-letters/google.cloud.storage.object.v1.finalized/2026-11-27/failed-1");
        assertEquals("422", String.valueOf(kept.getExtension("knativeerrorcode")));
        assertEquals("http://thumbnailer.default.svc.cluster.local", kept.getExtension("knativeerrordest"));
    }

    @Test
    void aPlainPubSubPushFromAnEventarcDeadLetterTopicIsKept() throws Exception {
        assertEquals(204, send(Sample.load("pubsub-push")).statusCode());
        assertEquals(List.of("dead-letters/google.cloud.pubsub.topic.v1.messagePublished/2026-11-27/11223344556678"),
                     BUCKET.list("").stream().map(BlobInfo::name).toList());
    }

    @Test
    void eventWithoutTimeIsDatedByTheClock() throws Exception {
        assertEquals(204, send(Sample.load("ping").withHeader("ce-time", null).withHeader("ce-id", "untimed"))
                .statusCode());
        kept("dead-letters/dev.knative.sources.ping/2026-11-27/untimed");
    }

    @Test
    void duplicateDeliveryIsKeptOnce() throws Exception {
        Sample sample = Sample.load("storage-finalized");
        assertEquals(204, send(sample).statusCode());
        String version = BUCKET.list("").getFirst().version();
        assertEquals(204, send(sample).statusCode());
        assertEquals(1, BUCKET.list("").size());
        assertEquals(version, BUCKET.list("").getFirst().version());
    }

    @Test
    void idsAndTypesCannotNameAPath() throws Exception {
        assertEquals(204, send(Sample.load("ping").withHeader("ce-id", "../../etc/passwd")
                                       .withHeader("ce-type", "..")).statusCode());
        assertEquals(List.of("dead-letters/%2E%2E/2026-11-27/..%2F..%2Fetc%2Fpasswd"),
                     BUCKET.list("").stream().map(BlobInfo::name).toList());
    }

    @Test
    void unavailableBucketIsRetried() throws Exception {
        Config config = TestConfig.of(Map.of());
        WebServer server = ServiceServer.start(config, DeadLettersService.create(
                config, Buckets.gcs(UnreachableStorage.client()), CLOCK));
        try {
            HttpResponse<String> response = CLIENT.send(Sample.load("ping").request(
                    URI.create("http://127.0.0.1:" + server.port())), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, response.statusCode(), response.body());
            assertTrue(response.headers().firstValue("Retry-After").isPresent());
        } finally {
            server.stop();
        }
    }
}
