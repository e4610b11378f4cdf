package dev.eventconsumers.thumbnailer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.eventconsumers.blobstore.BlobStore;
import dev.eventconsumers.blobstore.WriteCondition;
import dev.eventconsumers.testkit.Sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Uploads objects into a bucket and delivers the {@code finalized} event Eventarc would send for them: the storage
 * sample with the object's name and generation.
 */
final class StorageEventClient {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final URI uri;
    private final java.util.function.Supplier<BlobStore> store;
    private final AtomicLong counter = new AtomicLong(1000);

    StorageEventClient(URI uri, java.util.function.Supplier<BlobStore> store) {
        this.uri = uri;
        this.store = store;
    }

    /** @return the object's generation: the store's own, or an increasing number where it has none */
    long upload(String name, byte[] bytes) {
        store.get().write(name, bytes, "application/octet-stream", Map.of(), WriteCondition.always());
        long synthetic = counter.addAndGet(1000);
        return store.get().stat(name).orElseThrow().generation().orElse(synthetic);
    }

    HttpResponse<String> deliver(String name, long generation) throws Exception {
        Sample sample = Sample.load("storage-finalized");
        ObjectNode data = (ObjectNode) JSON.readTree(sample.body());
        data.put("name", name).put("generation", Long.toString(generation));
        Sample event = sample.withHeader("ce-id", "event-" + generation + "-" + name.hashCode())
                .withHeader("ce-subject", "objects/" + percentEncoded(name))
                // Escaped, so that even a name no UTF-8 can hold (a lone surrogate) travels as Eventarc would send it.
                .withBody(JSON.writer().with(com.fasterxml.jackson.core.json.JsonWriteFeature.ESCAPE_NON_ASCII)
                                  .writeValueAsBytes(data));
        return CLIENT.send(event.request(uri), HttpResponse.BodyHandlers.ofString());
    }

    /** A header value as the CloudEvents HTTP binding writes it: UTF-8, percent-encoded beyond printable ASCII. */
    static String percentEncoded(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            out.append(c < 0x21 || c > 0x7e || c == '%' || c == '"' ? String.format("%%%02X", c) : String.valueOf((char) c));
        }
        return out.toString();
    }
}
