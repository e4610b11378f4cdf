package dev.eventconsumers.thumbnailer;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The libjpeg-turbo decoder itself, and the pipeline on it for the JPEGs that need care (CMYK, progressive, truncated,
 * oriented). Where libturbojpeg0 is not installed these are reported as not run; the ImageIO path is tested either way.
 */
class TurboJpegTest {
    static final List<Size> BOXES = List.of(Size.parse("200x200"), Size.parse("400x400"), Size.parse("800x800"));

    /** @return the library, or the test is not run (with the reason) */
    static TurboJpeg library() {
        Optional<TurboJpeg> turbo = TurboJpeg.instance();
        Assumptions.assumeTrue(turbo.isPresent(), "libturbojpeg is not installed (Debian: apt-get install libturbojpeg0)");
        return turbo.get();
    }

    static ThumbnailPipeline pipeline(TurboJpeg turbo) {
        return new ThumbnailPipeline(100_000_000, 100, new MemoryBudget(50_000_000), 0.85f, Optional.of(turbo));
    }

    @Test
    void theSmallestScaleThatStillCoversTheLargestBoxIsChosen() {
        TurboJpeg turbo = library();
        assertEquals(new Size(1000, 750), turbo.scaledAtLeast(4000, 3000, 800, 600));
        assertEquals(new Size(500, 375), turbo.scaledAtLeast(4000, 3000, 400, 300));
        // Scales round up, as libjpeg's do: a 1001 px side at 1/8 is 126 px.
        assertEquals(new Size(126, 95), turbo.scaledAtLeast(1001, 757, 100, 90));
        assertEquals(new Size(800, 600), turbo.scaledAtLeast(800, 600, 800, 600), "nothing to save: full size");
    }

    @Test
    void aJpegDecodesToTheChosenSizeInRgb() throws Exception {
        TurboJpeg turbo = library();
        byte[] photo = Images.bytes("photo.jpg");
        TurboJpeg.Header header = turbo.header(photo);
        assertEquals(1200, header.width());
        assertEquals(900, header.height());
        TurboJpeg.Decoded half = turbo.decode(photo, new Size(600, 450));
        assertEquals(600 * 450, half.pixels().length);
        assertTrue(half.warning().isEmpty());
        // The same picture as ImageIO's full decode, downscaled: close, not identical.
        BufferedImage full = Images.decode(photo);
        int[] reference = ThumbnailQualityTest.areaAverage(ThumbnailPipeline.rgb(full), 1200, 900, 600, 450);
        assertTrue(ThumbnailQualityTest.psnr(reference, half.pixels()) > 30);
    }

    @Test
    void cmykAndYcckAreLeftToImageIo() throws Exception {
        TurboJpeg turbo = library();
        assertFalse(TurboJpeg.decodesToRgb(turbo.header(Images.bytes("cmyk.jpg")).colorspace()));
        ThumbnailPipeline.Rendered rendered = assertInstanceOf(ThumbnailPipeline.Rendered.class,
                                                               pipeline(turbo).render(Images.bytes("cmyk.jpg"), BOXES));
        assertEquals(3, rendered.thumbnails().size());
    }

    @Test
    void truncatedAndCorruptJpegsAreCorruptAsWithImageIo() throws Exception {
        TurboJpeg turbo = library();
        assertInstanceOf(ThumbnailPipeline.Corrupt.class, pipeline(turbo).render(Images.bytes("truncated.jpg"), BOXES));
        byte[] garbage = Images.bytes("photo.jpg").clone();
        for (int i = 2000; i < garbage.length - 2; i += 7) {
            garbage[i] = (byte) 0xFF;
        }
        ThumbnailPipeline imageIo = new ThumbnailPipeline(100_000_000, 100, new MemoryBudget(50_000_000), 0.85f,
                                                          Optional.empty());
        ThumbnailPipeline.Result slow = imageIo.render(garbage, BOXES);
        ThumbnailPipeline.Result fast = pipeline(turbo).render(garbage, BOXES);
        assertEquals(slow.getClass(), fast.getClass(), "damaged scan data: ImageIO " + slow + ", libjpeg-turbo " + fast);
    }

    @Test
    void progressiveAndOrientedJpegsComeOutAsWithImageIo() throws Exception {
        TurboJpeg turbo = library();
        ThumbnailPipeline imageIo = new ThumbnailPipeline(100_000_000, 100, new MemoryBudget(50_000_000), 0.85f,
                                                          Optional.empty());
        for (String name : List.of("progressive.jpg", "orientation-6.jpg", "orientation-5.jpg", "photo.jpg")) {
            ThumbnailPipeline.Rendered fast = assertInstanceOf(ThumbnailPipeline.Rendered.class,
                                                               pipeline(turbo).render(Images.bytes(name), BOXES));
            ThumbnailPipeline.Rendered slow = assertInstanceOf(ThumbnailPipeline.Rendered.class,
                                                               imageIo.render(Images.bytes(name), BOXES));
            assertEquals(slow.source(), fast.source(), name);
            for (Size box : BOXES) {
                ThumbnailPipeline.Thumbnail a = fast.thumbnails().get(box);
                ThumbnailPipeline.Thumbnail b = slow.thumbnails().get(box);
                assertEquals(b.size(), a.size(), name + " " + box);
                double psnr = ThumbnailQualityTest.psnr(ThumbnailPipeline.rgb(Images.decode(b.jpeg())),
                                                        ThumbnailPipeline.rgb(Images.decode(a.jpeg())));
                assertTrue(psnr > 30, name + " " + box + ": the two decoders differ by PSNR " + psnr);
            }
        }
    }
}
