package dev.eventconsumers.thumbnailer;

import dev.eventconsumers.blobstore.BlobStore;
import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.runtime.ServiceServer;
import dev.eventconsumers.testkit.TestConfig;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sixteen 12-megapixel uploads at once in a 512 MiB heap. This class runs in its own JVM with {@code -Xmx512m} and
 * 16 carrier threads for virtual threads (see the POM), as on a 16-vCPU instance: with the default two carriers of
 * this machine, CPU-bound decodes could not overlap enough to show anything. Without the pixel budget the
 * full-resolution case runs out of memory (tried); with it, decodes take turns.
 */
class BoundedHeapTest {
    static byte[] photo;

    @BeforeAll
    static void photo() {
        assertTrue(Runtime.getRuntime().maxMemory() <= 512L * 1024 * 1024,
                   "run with -Xmx512m, not " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        photo = TestPhotos.jpeg(TestPhotos.tiled(4000, 3000), 0.9f);
    }

    @Test
    void sixteenConcurrent12MegapixelUploadsFitIn512MiB() throws Exception {
        assertSixteenUploadsSucceed(Map.of());
    }

    @Test
    void fullResolutionDecodesTakeTurnsWithinTheBudget() throws Exception {
        // No subsampling here: each upload decodes all 12 MP (about 84 MB with its RGB copy); 16 at once would not fit.
        assertSixteenUploadsSucceed(Map.of("thumbnailer.sizes", "4000x3000"));
    }

    static void assertSixteenUploadsSucceed(Map<String, String> settings) throws Exception {
        Buckets buckets = Buckets.filesystem(ThumbnailerFilesystemTest.temporaryRoot());
        Config config = TestConfig.of(settings);
        WebServer server = ServiceServer.start(config, ThumbnailerService.create(config, buckets));
        BlobStore store = buckets.bucket(ThumbnailerContract.BUCKET);
        StorageEventClient events = new StorageEventClient(URI.create("http://127.0.0.1:" + server.port()),
                                                           () -> store);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Long> generations = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                generations.add(events.upload("uploads/big-" + i + ".jpg", photo));
            }
            System.gc();
            HeapSampler heap = new HeapSampler(5);
            List<Callable<HttpResponse<String>>> uploads = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                uploads.add(() -> events.deliver("uploads/big-" + n + ".jpg", generations.get(n)));
            }
            for (Future<HttpResponse<String>> response : pool.invokeAll(uploads)) {
                assertEquals(204, response.get().statusCode(), response.get().body());
            }
            int sizes = settings.isEmpty() ? 3 : 1;
            assertEquals(16 * sizes, store.list("thumbnails/").size());
            heap.close();
            System.out.printf("%s: peak heap used while 16 uploads ran: %d MiB of %d MiB%n", settings,
                              heap.peakMiB(), Runtime.getRuntime().maxMemory() >> 20);
        } finally {
            pool.shutdownNow();
            server.stop();
        }
    }
}
