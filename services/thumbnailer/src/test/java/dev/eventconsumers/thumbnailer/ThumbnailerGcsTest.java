package dev.eventconsumers.thumbnailer;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.eventconsumers.blobstore.BlobStore;
import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.blobstore.GcsBlobStore;
import dev.eventconsumers.testkit.UnreachableStorage;
import dev.eventconsumers.runtime.ServiceServer;
import dev.eventconsumers.testkit.TestConfig;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.testing.junit5.ServerTest;
import io.helidon.webserver.testing.junit5.SetUpRoute;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The thumbnailer on the Cloud Storage adapter, behind Google's LocalStorageHelper (the real Storage API, in memory). */
@ServerTest
class ThumbnailerGcsTest extends ThumbnailerContract {
    static final Storage STORAGE = LocalStorageHelper.customOptions(false).getService();

    ThumbnailerGcsTest(URI uri) {
        super(uri);
    }

    @SetUpRoute
    static void routing(HttpRouting.Builder routing) {
        ServiceServer.routing(routing);
        ThumbnailerService.create(TestConfig.of(Map.of()), Buckets.gcs(STORAGE)).routing(routing);
    }

    @Override
    BlobStore store() {
        return new GcsBlobStore(STORAGE, BUCKET);
    }

    @Test
    void storageDownIsRetriedLater() throws Exception {
        Storage unreachable = UnreachableStorage.client();
        Config config = TestConfig.of(Map.of());
        WebServer server = ServiceServer.start(config, ThumbnailerService.create(config, Buckets.gcs(unreachable)));
        try {
            StorageEventClient client = new StorageEventClient(URI.create("http://127.0.0.1:" + server.port()),
                                                               () -> new GcsBlobStore(unreachable, BUCKET));
            HttpResponse<String> response = client.deliver("uploads/photo.jpg", 1);
            assertEquals(503, response.statusCode(), response.body());
            assertTrue(response.headers().firstValue("Retry-After").isPresent());
            assertTrue(response.body().contains("storage unavailable"), response.body());
        } finally {
            server.stop();
        }
    }
}
