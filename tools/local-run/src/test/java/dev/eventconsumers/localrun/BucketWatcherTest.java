package dev.eventconsumers.localrun;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a new, replaced or ignored file in a bucket folder sends, as a real subscriber on loopback receives it. */
class BucketWatcherTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void aNewFileThenAReplacedOneAreFinalizedObjectsWithGrowingGenerations(@TempDir Path root) throws Exception {
        Path bucket = Files.createDirectories(root.resolve("demo-uploads/uploads"));
        Files.writeString(bucket.resolve("before.txt"), "there before the watcher");
        try (CapturingSubscriber subscriber = new CapturingSubscriber()) {
            DeliveryLog log = new DeliveryLog(new PrintStream(new ByteArrayOutputStream()), ZoneOffset.UTC);
            BucketWatcher watcher = new BucketWatcher(root, subscriber.broker(0, log), log, 20);
            Thread thread = Thread.ofVirtual().start(watcher);
            try {
                // The CRC32C and MD5 test vectors of "123456789".
                Files.writeString(bucket.resolve("digits.txt"), "123456789");
                CapturingSubscriber.Received first = subscriber.await(1).getFirst();
                assertEquals("google.cloud.storage.object.v1.finalized", first.attributes().get("type"));
                assertEquals("//storage.googleapis.com/projects/_/buckets/demo-uploads", first.attributes().get("source"));
                assertEquals("objects/uploads/digits.txt", first.attributes().get("subject"));
                assertEquals("demo-uploads", first.attributes().get("bucket"));
                assertEquals("application/json", first.contentType());
                JsonNode data = MAPPER.readTree(first.body());
                assertEquals("storage#object", data.path("kind").asText());
                assertEquals("uploads/digits.txt", data.path("name").asText());
                assertEquals("demo-uploads", data.path("bucket").asText());
                assertEquals("9", data.path("size").asText());
                assertEquals("JfnnlDI7RTiF9RgfG2JNCw==", data.path("md5Hash").asText());
                assertEquals("4waSgw==", data.path("crc32c").asText());
                assertEquals("text/plain", data.path("contentType").asText());
                long generation = Long.parseLong(data.path("generation").asText());
                assertEquals("demo-uploads/uploads/digits.txt/" + generation, data.path("id").asText());

                Files.writeString(bucket.resolve("digits.txt"), "1234567890");
                Files.createDirectories(root.resolve("demo-uploads/.blobstore/tmp"));
                Files.writeString(root.resolve("demo-uploads/.blobstore/tmp/x"), "not an object");
                List<CapturingSubscriber.Received> both = subscriber.await(2);
                JsonNode replaced = MAPPER.readTree(both.get(1).body());
                assertEquals("objects/uploads/digits.txt", both.get(1).attributes().get("subject"));
                assertTrue(Long.parseLong(replaced.path("generation").asText()) > generation,
                           replaced.path("generation") + " after " + generation);
                assertEquals("10", replaced.path("size").asText());
                assertNotEquals(data.path("md5Hash"), replaced.path("md5Hash"));
                assertNotEquals(first.attributes().get("id"), both.get(1).attributes().get("id"));
                Thread.sleep(300);
                assertEquals(2, subscriber.received().size(), "nothing for the file there before, nor for dot-folders: "
                        + subscriber.received().stream().map(r -> new String(r.body(), StandardCharsets.UTF_8)).toList());
            } finally {
                watcher.stop();
                thread.interrupt();
            }
        }
    }

    @Test
    void theEtagIsGenerationAndMetagenerationAsCloudStorageEncodesThem() {
        // Field 1 varint 1764235200123456, field 2 varint 1 (worked out by hand with Python's base64).
        assertEquals("CMCknaOAkpEDEAE=", BucketWatcher.etag(1764235200123456L));
        assertEquals("CAEQAQ==", BucketWatcher.etag(1));
    }
}
