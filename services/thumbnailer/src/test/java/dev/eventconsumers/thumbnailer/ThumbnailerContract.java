package dev.eventconsumers.thumbnailer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.eventconsumers.blobstore.BlobInfo;
import dev.eventconsumers.blobstore.BlobStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.awt.image.BufferedImage;
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
 * The thumbnailer over real HTTP with real image files, against one storage adapter (each subclass brings one).
 * Events are the storage sample with the object's name and generation changed.
 */
abstract class ThumbnailerContract {
    static final ObjectMapper JSON = StorageEventClient.JSON;
    static final String BUCKET = "demo-uploads";

    private final StorageEventClient events;

    ThumbnailerContract(URI uri) {
        this.events = new StorageEventClient(uri, this::store);
    }

    abstract BlobStore store();

    @BeforeEach
    void emptyBucket() {
        store().list("").forEach(blob -> store().delete(blob.name()));
    }

    long upload(String name, byte[] bytes) {
        return events.upload(name, bytes);
    }

    HttpResponse<String> deliver(String name, long generation) throws Exception {
        return events.deliver(name, generation);
    }

    HttpResponse<String> uploadAndDeliver(String name, String file) throws Exception {
        return deliver(name, upload(name, Images.bytes(file)));
    }

    BlobInfo thumbnailInfo(String box, String source) {
        return store().stat("thumbnails/" + box + "/" + source).orElseThrow(
                () -> new AssertionError("no " + box + " thumbnail of " + source + " in " + names()));
    }

    BufferedImage thumbnail(String box, String source) {
        thumbnailInfo(box, source);
        return Images.decode(store().read("thumbnails/" + box + "/" + source).orElseThrow());
    }

    List<String> names() {
        return store().list("").stream().map(BlobInfo::name).toList();
    }

    void assertNoThumbnails() {
        assertEquals(List.of(), store().list("thumbnails/").stream().map(BlobInfo::name).toList());
    }

    @Test
    void jpegUploadGetsThreeThumbnailsWithMetadata() throws Exception {
        long generation = upload("uploads/photo.jpg", Images.bytes("photo.jpg"));
        HttpResponse<String> response = deliver("uploads/photo.jpg", generation);
        assertEquals(204, response.statusCode(), response.body());
        for (String[] expected : new String[][] {{"200x200", "200", "150"}, {"400x400", "400", "300"},
                                                 {"800x800", "800", "600"}}) {
            BlobInfo info = thumbnailInfo(expected[0], "uploads/photo.jpg");
            assertEquals("image/jpeg", info.contentType());
            assertEquals(Map.of("original-key", "uploads/photo.jpg", "thumbnail-size", expected[0],
                                "generation", Long.toString(generation)), info.metadata());
            BufferedImage image = thumbnail(expected[0], "uploads/photo.jpg");
            assertEquals(Integer.parseInt(expected[1]), image.getWidth());
            assertEquals(Integer.parseInt(expected[2]), image.getHeight());
        }
    }

    @ParameterizedTest
    @CsvSource({"progressive.jpg, 1200, 900", "cmyk.jpg, 600, 450", "alpha.png, 640, 480", "photo.webp, 800, 600",
                "animated.gif, 300, 200", "photo.bmp, 320, 240", "photo.tiff, 320, 240"})
    void everyFormatIsDetectedFromItsBytesNotItsName(String file, int width, int height) throws Exception {
        String name = "uploads/" + file.replace('.', '-') + ".bin";
        HttpResponse<String> response = uploadAndDeliver(name, file);
        assertEquals(204, response.statusCode(), response.body());
        Size source = new Size(width, height);
        for (String box : List.of("200x200", "400x400", "800x800")) {
            Size expected = source.fitInside(Size.parse(box));
            BufferedImage image = thumbnail(box, name);
            assertEquals(expected, new Size(image.getWidth(), image.getHeight()), file + " " + box);
        }
    }

    @Test
    void cmykJpegKeepsItsColours() throws Exception {
        assertEquals(204, uploadAndDeliver("uploads/rgb.jpg", "photo.jpg").statusCode());
        assertEquals(204, uploadAndDeliver("uploads/cmyk.jpg", "cmyk.jpg").statusCode());
        BufferedImage rgb = thumbnail("200x200", "uploads/rgb.jpg");
        BufferedImage cmyk = thumbnail("200x200", "uploads/cmyk.jpg");
        int[] rgbMean = Images.meanRgb(rgb, 100, 75, 100);
        int[] cmykMean = Images.meanRgb(cmyk, 100, 75, 100);
        assertTrue(Images.near(cmykMean, rgbMean[0], rgbMean[1], rgbMean[2], 30),
                   "CMYK mean " + java.util.Arrays.toString(cmykMean) + " vs RGB " + java.util.Arrays.toString(rgbMean));
    }

    @Test
    void pngTransparencyIsFlattenedOnWhite() throws Exception {
        assertEquals(204, uploadAndDeliver("uploads/alpha.png", "alpha.png").statusCode());
        BufferedImage image = thumbnail("400x400", "uploads/alpha.png");
        assertTrue(Images.near(Images.meanRgb(image, 390, 10, 3), 255, 255, 255, 8), "transparent corner is white");
        assertTrue(Images.near(Images.meanRgb(image, 200, 150, 3), 255, 0, 0, 30), "opaque circle stays red");
        int[] halfBlue = Images.meanRgb(image, 40, 280, 3);
        assertTrue(Images.near(halfBlue, 127, 127, 255, 30), "half-transparent blue over white is light blue: "
                + java.util.Arrays.toString(halfBlue));
    }

    @Test
    void animatedGifUsesItsFirstFrame() throws Exception {
        assertEquals(204, uploadAndDeliver("uploads/animated.gif", "animated.gif").statusCode());
        assertTrue(Images.near(Images.meanRgb(thumbnail("200x200", "uploads/animated.gif"), 100, 66, 5),
                               255, 0, 0, 20));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void exifOrientationIsApplied(int orientation) throws Exception {
        String name = "uploads/orientation-" + orientation + ".jpg";
        assertEquals(204, uploadAndDeliver(name, "orientation-" + orientation + ".jpg").statusCode());
        BufferedImage image = thumbnail("400x400", name);
        assertEquals(400, image.getWidth(), "upright is landscape");
        assertEquals(200, image.getHeight());
        assertTrue(Images.near(Images.meanRgb(image, 100, 50, 5), 255, 0, 0, 40), "red top left");
        assertTrue(Images.near(Images.meanRgb(image, 300, 50, 5), 0, 255, 0, 40), "green top right");
        assertTrue(Images.near(Images.meanRgb(image, 100, 150, 5), 0, 0, 255, 40), "blue bottom left");
        assertTrue(Images.near(Images.meanRgb(image, 300, 150, 5), 255, 255, 255, 40), "white bottom right");
    }

    @Test
    void smallImagesAreNeverUpscaled() throws Exception {
        assertEquals(204, uploadAndDeliver("uploads/small.gif", "animated.gif").statusCode());
        BufferedImage large = thumbnail("800x800", "uploads/small.gif");
        assertEquals(300, large.getWidth());
        assertEquals(200, large.getHeight());
    }

    @Test
    void truncatedJpegIsRejectedPermanently() throws Exception {
        HttpResponse<String> response = uploadAndDeliver("uploads/truncated.jpg", "truncated.jpg");
        assertEquals(422, response.statusCode(), response.body());
        assertTrue(response.body().contains("corrupt or truncated"), response.body());
        assertNoThumbnails();
    }

    @Test
    void decompressionBombIsRejectedBeforeDecoding() throws Exception {
        HttpResponse<String> response = uploadAndDeliver("uploads/bomb.png", "bomb.png");
        assertEquals(422, response.statusCode(), response.body());
        assertTrue(response.body().contains("100000x100000"), response.body());
        assertNoThumbnails();
    }

    @Test
    void fileThatIsNoImageIsAcknowledgedAndSkipped() throws Exception {
        assertEquals(204, uploadAndDeliver("uploads/notes.jpg", "not-an-image.jpg").statusCode());
        assertNoThumbnails();
    }

    @Test
    void duplicateDeliveryWritesNothingNew() throws Exception {
        long generation = upload("uploads/photo.jpg", Images.bytes("photo.jpg"));
        assertEquals(204, deliver("uploads/photo.jpg", generation).statusCode());
        List<String> versions = store().list("thumbnails/").stream().map(BlobInfo::version).toList();
        for (int i = 0; i < 3; i++) {
            assertEquals(204, deliver("uploads/photo.jpg", generation).statusCode());
        }
        assertEquals(versions, store().list("thumbnails/").stream().map(BlobInfo::version).toList());
    }

    @Test
    void olderGenerationNeverOverwritesThumbnailsOfANewerOne() throws Exception {
        long generation = upload("uploads/photo.jpg", Images.bytes("orientation-1.jpg"));
        assertEquals(204, deliver("uploads/photo.jpg", generation).statusCode());
        List<String> versions = store().list("thumbnails/").stream().map(BlobInfo::version).toList();
        assertEquals(204, deliver("uploads/photo.jpg", generation - 100).statusCode());
        assertEquals(versions, store().list("thumbnails/").stream().map(BlobInfo::version).toList());
        assertEquals(Long.toString(generation),
                     thumbnailInfo("200x200", "uploads/photo.jpg").metadata().get("generation"));
    }

    @Test
    void newerGenerationReplacesTheThumbnails() throws Exception {
        long first = upload("uploads/photo.jpg", Images.bytes("orientation-1.jpg"));
        assertEquals(204, deliver("uploads/photo.jpg", first).statusCode());
        long second = upload("uploads/photo.jpg", Images.bytes("animated.gif"));
        assertTrue(second > first);
        assertEquals(204, deliver("uploads/photo.jpg", second).statusCode());
        assertEquals(Long.toString(second), thumbnailInfo("400x400", "uploads/photo.jpg").metadata().get("generation"));
        BufferedImage image = thumbnail("400x400", "uploads/photo.jpg");
        assertEquals(300, image.getWidth(), "made from the new 300x200 GIF");
    }

    @Test
    void concurrentDeliveriesOfOneEventAgree() throws Exception {
        long generation = upload("uploads/photo.jpg", Images.bytes("photo.jpg"));
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> deliveries = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                deliveries.add(() -> deliver("uploads/photo.jpg", generation).statusCode());
            }
            for (Future<Integer> status : pool.invokeAll(deliveries)) {
                assertEquals(204, status.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(3, store().list("thumbnails/").size());
        assertEquals(Long.toString(generation),
                     thumbnailInfo("800x800", "uploads/photo.jpg").metadata().get("generation"));
    }

    @Test
    void sourceDeletedBeforeProcessingIsAcknowledged() throws Exception {
        assertEquals(204, deliver("uploads/deleted.jpg", 1).statusCode());
        assertNoThumbnails();
    }

    @ParameterizedTest
    @ValueSource(strings = {"thumbnails/200x200/uploads/photo.jpg", "other/photo.jpg", "photo.jpg"})
    void objectsOutsideTheUploadsPrefixAreSkipped(String name) throws Exception {
        assertEquals(204, uploadAndDeliver(name, "photo.jpg").statusCode());
        assertEquals(List.of(name), names().stream().filter(n -> !n.equals(name) || true).toList());
    }

    @Test
    void aFolderPlaceholderIsAcknowledgedAndSkipped() throws Exception {
        // The Cloud Console's "create folder" writes an empty object named like a folder; it was dead-lettered (422).
        HttpResponse<String> response = deliver("uploads/albums/", 1);
        assertEquals(204, response.statusCode(), response.body());
        assertNoThumbnails();
    }

    @Test
    void aNameThatLeavesNoRoomForItsThumbnailsIsRejectedNotRetried() throws Exception {
        // 1000 bytes is a valid object name; "thumbnails/800x800/" + it is not (1024 at most): once a 500 forever.
        String name = "uploads/" + "a".repeat(100) + ("/" + "b".repeat(99)).repeat(9) + ".jpg";
        assertTrue(name.length() > 990 && name.length() <= 1024, name.length() + "");
        HttpResponse<String> response = uploadAndDeliver(name, "photo.jpg");
        assertEquals(422, response.statusCode(), response.body());
        assertTrue(response.body().contains("cannot have its thumbnails"), response.body());
        assertNoThumbnails();
    }

    @ParameterizedTest
    @ValueSource(strings = {"uploads/../../etc/passwd", "/uploads/photo.jpg", "uploads/a\u0000b.jpg",
                            "uploads/./photo.jpg", "uploads//photo.jpg", "uploads/lone\ud800.jpg",
                            "uploads/nel\u0085.jpg"})
    void unsafeObjectNamesAreRejected(String name) throws Exception {
        HttpResponse<String> response = deliver(name, 1);
        JsonNode problem = JSON.readTree(response.body());
        if (response.statusCode() == 400) {
            // A control character in the name is one in the event's subject too: the binding refuses the event.
            assertEquals("subject", problem.path("errors").path(0).path("name").asText(), response.body());
        } else {
            assertEquals(422, response.statusCode(), response.body());
            assertEquals("/name", problem.path("errors").path(0).path("name").asText());
        }
        assertNoThumbnails();
    }
}
