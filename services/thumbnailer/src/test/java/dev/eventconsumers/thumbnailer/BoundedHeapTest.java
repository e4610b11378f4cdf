package dev.eventconsumers.thumbnailer;

import dev.eventconsumers.blobstore.BlobStore;
import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.blobstore.GcsBlobStore;
import dev.eventconsumers.runtime.ServiceServer;
import dev.eventconsumers.testkit.GcsStandIn;
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
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Worst-case inputs in the heap the thumbnailer's manifest gives it (75% of 512 MiB: 384 MiB). This class runs in its
 * own JVM with that heap and 16 carrier threads for virtual threads (see the POM), as on a 16-vCPU instance, so that
 * CPU-bound decodes really overlap. Without the pixel budget the full-resolution case runs out of memory (tried); with
 * it, decodes take turns; sources take turns for the source-byte budget the same way.
 */
class BoundedHeapTest {
    static final long HEAP = 384L * 1024 * 1024;
    static byte[] photo;

    @BeforeAll
    static void photo() {
        assertTrue(Runtime.getRuntime().maxMemory() <= HEAP,
                   "run with -Xmx384m, not " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        photo = TestPhotos.jpeg(TestPhotos.tiled(4000, 3000), 0.9f);
    }

    @Test
    void elongatedImagesAreRejectedBeforeDecodingAndTheServiceKeepsServing() throws Exception {
        // A 96 KB PNG of 33,000,000 x 3 (99 MP, under max.pixels) once answered 500, OutOfMemoryError, every delivery.
        Buckets buckets = Buckets.filesystem(ThumbnailerFilesystemTest.temporaryRoot());
        Config config = TestConfig.of(Map.of());
        WebServer server = ServiceServer.start(config, ThumbnailerService.create(config, buckets));
        BlobStore store = buckets.bucket(ThumbnailerContract.BUCKET);
        StorageEventClient events = new StorageEventClient(URI.create("http://127.0.0.1:" + server.port()),
                                                           () -> store);
        try {
            Map<String, byte[]> hostile = new java.util.LinkedHashMap<>();
            hostile.put("uploads/wide.png", HostileImages.grayPng(33_000_000, 3));
            hostile.put("uploads/tall.png", HostileImages.grayPng(3, 33_000_000));
            hostile.put("uploads/wide.tiff", HostileImages.grayTiff(33_000_000, 3));
            hostile.put("uploads/tall.tiff", HostileImages.grayTiff(3, 33_000_000));
            for (Map.Entry<String, byte[]> image : hostile.entrySet()) {
                assertTrue(image.getValue().length < 1_000_000, image.getKey() + " is small: "
                        + image.getValue().length);
                HttpResponse<String> response = events.deliver(image.getKey(),
                                                               events.upload(image.getKey(), image.getValue()));
                assertEquals(422, response.statusCode(), image.getKey() + ": " + response.body());
                assertTrue(response.body().contains("elongated"), response.body());
            }
            HttpResponse<String> after = events.deliver("uploads/after.jpg", events.upload("uploads/after.jpg", photo));
            assertEquals(204, after.statusCode(), "and it keeps serving: " + after.body());
        } finally {
            server.stop();
        }
    }

    @Test
    void sourcesAsLargeAsItTakesAtItsConcurrencyFit() throws Exception {
        largeSourcesFit(Buckets.filesystem(ThumbnailerFilesystemTest.temporaryRoot()));
    }

    @Test
    void sourcesAsLargeAsItTakesAtItsConcurrencyFitOnCloudStorage() throws Exception {
        // Google's client reads and writes over HTTP here (the build's stand-in): its own buffers count too.
        try (GcsStandIn gcs = GcsStandIn.start()) {
            largeSourcesFit(onCloudStorage(gcs));
        }
    }

    static void largeSourcesFit(Buckets buckets) throws Exception {
        // Its container concurrency is 4; each source 60 MB (max.bytes is 64 MiB): once read whole outside any budget.
        byte[] large = HostileImages.bmp(4473, 4473);
        assertTrue(large.length > 60_000_000, large.length + "");
        Config config = TestConfig.of(Map.of());
        WebServer server = ServiceServer.start(config, ThumbnailerService.create(config, buckets));
        BlobStore store = buckets.bucket(ThumbnailerContract.BUCKET);
        StorageEventClient events = new StorageEventClient(URI.create("http://127.0.0.1:" + server.port()),
                                                           () -> store);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Long> generations = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                generations.add(events.upload("uploads/large-" + i + ".bmp", large));
            }
            large = null;
            List<Callable<HttpResponse<String>>> uploads = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                int n = i;
                uploads.add(() -> events.deliver("uploads/large-" + n + ".bmp", generations.get(n)));
            }
            for (Future<HttpResponse<String>> response : pool.invokeAll(uploads)) {
                assertEquals(204, response.get().statusCode(), response.get().body());
            }
            assertEquals(12, store.list("thumbnails/").size());
        } finally {
            pool.shutdownNow();
            server.stop();
        }
    }

    @Test
    void sixteenConcurrent12MegapixelUploadsFit() throws Exception {
        assertSixteenUploadsSucceed(Map.of());
    }

    @Test
    void sixteenConcurrent12MegapixelUploadsFitOnCloudStorage() throws Exception {
        try (GcsStandIn gcs = GcsStandIn.start()) {
            assertSixteenUploadsSucceed(Map.of(), onCloudStorage(gcs));
        }
    }

    @Test
    void fullResolutionDecodesTakeTurnsWithinTheBudget() throws Exception {
        // No subsampling here: each upload decodes all 12 MP (about 84 MB with its RGB copy); 16 at once would not fit.
        assertSixteenUploadsSucceed(Map.of("thumbnailer.sizes", "4000x3000"));
    }

    static void assertSixteenUploadsSucceed(Map<String, String> settings) throws Exception {
        assertSixteenUploadsSucceed(settings, Buckets.filesystem(ThumbnailerFilesystemTest.temporaryRoot()));
    }

    static void assertSixteenUploadsSucceed(Map<String, String> settings, Buckets buckets) throws Exception {
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
            assertTrue(heap.peakMiB() << 20 <= HEAP, "peak " + heap.peakMiB() + " MiB");
        } finally {
            pool.shutdownNow();
            server.stop();
        }
    }

    /** @return buckets on the stand-in, through the services' own client */
    private static Buckets onCloudStorage(GcsStandIn gcs) {
        return Buckets.gcs(GcsBlobStore.client(Optional.of(gcs.endpoint()), Optional.of("test")));
    }
}
