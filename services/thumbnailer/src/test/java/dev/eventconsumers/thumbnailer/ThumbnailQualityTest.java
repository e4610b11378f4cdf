package dev.eventconsumers.thumbnailer;

import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Each thumbnail, subsampled decoding and JPEG encoding included, is close to a careful downscale of the full
 * source: an exact area average (every source pixel weighted by the share of it inside the output pixel).
 */
class ThumbnailQualityTest {
    static final double MIN_PSNR_DB = 30.0;
    static final List<Size> BOXES = List.of(Size.parse("200x200"), Size.parse("400x400"), Size.parse("800x800"));

    @Test
    void thumbnailsOfASubsampled12MegapixelJpegMatchAnAreaAverage() throws Exception {
        BufferedImage source = TestPhotos.tiled(4000, 3000);
        byte[] jpeg = TestPhotos.jpeg(source, 0.92f);
        assertEquals(2, ThumbnailPipeline.subsampling(4000, 800), "this source is decoded at half size");
        assertEquals(2, ThumbnailPipeline.subsampling(3000, 600));
        assertCloseToAreaAverage(jpeg, Images.decode(jpeg), java.util.Optional.empty());
    }

    @Test
    void thumbnailsOfA12MegapixelJpegDecodedAtAReducedDctScaleMatchAnAreaAverage() throws Exception {
        TurboJpeg turbo = TurboJpegTest.library();
        BufferedImage source = TestPhotos.tiled(4000, 3000);
        byte[] jpeg = TestPhotos.jpeg(source, 0.92f);
        assertEquals(new Size(1000, 750), turbo.scaledAtLeast(4000, 3000, 800, 600), "decoded at a quarter");
        assertCloseToAreaAverage(jpeg, Images.decode(jpeg), java.util.Optional.of(turbo));
    }

    @Test
    void thumbnailsOfAPngMatchAnAreaAverage() throws Exception {
        BufferedImage source = TestPhotos.tiled(2400, 1800);
        byte[] png = TestPhotos.png(source);
        assertCloseToAreaAverage(png, source, java.util.Optional.empty());
    }

    static void assertCloseToAreaAverage(byte[] encoded, BufferedImage fullResolution,
                                         java.util.Optional<TurboJpeg> turbo) throws Exception {
        ThumbnailPipeline pipeline = new ThumbnailPipeline(100_000_000, 100, new MemoryBudget(50_000_000), 0.85f,
                                                           turbo);
        ThumbnailPipeline.Rendered rendered = assertInstanceOf(ThumbnailPipeline.Rendered.class,
                                                               pipeline.render(encoded, BOXES));
        int[] full = ThumbnailPipeline.rgb(fullResolution);
        for (Map.Entry<Size, ThumbnailPipeline.Thumbnail> entry : rendered.thumbnails().entrySet()) {
            Size size = entry.getValue().size();
            int[] reference = areaAverage(full, fullResolution.getWidth(), fullResolution.getHeight(),
                                          size.width(), size.height());
            BufferedImage thumbnail = Images.decode(entry.getValue().jpeg());
            assertEquals(size, new Size(thumbnail.getWidth(), thumbnail.getHeight()));
            double psnr = psnr(reference, ThumbnailPipeline.rgb(thumbnail));
            System.out.printf("%s -> %s: PSNR %.1f dB against an area average%n", entry.getKey(), size, psnr);
            assertTrue(psnr >= MIN_PSNR_DB, entry.getKey() + ": PSNR " + psnr + " dB < " + MIN_PSNR_DB);
        }
    }

    /** Exact area-average downscale, separable, in double precision. */
    static int[] areaAverage(int[] src, int sw, int sh, int dw, int dh) {
        double[][] horizontal = new double[3][dw * sh];
        double sx = (double) sw / dw;
        for (int y = 0; y < sh; y++) {
            for (int x = 0; x < dw; x++) {
                double start = x * sx;
                double end = start + sx;
                double[] sum = new double[3];
                for (int i = (int) Math.floor(start); i < Math.min(sw, (int) Math.ceil(end)); i++) {
                    double weight = Math.min(end, i + 1) - Math.max(start, i);
                    int p = src[y * sw + i];
                    sum[0] += ((p >> 16) & 0xff) * weight;
                    sum[1] += ((p >> 8) & 0xff) * weight;
                    sum[2] += (p & 0xff) * weight;
                }
                for (int c = 0; c < 3; c++) {
                    horizontal[c][y * dw + x] = sum[c] / sx;
                }
            }
        }
        int[] out = new int[dw * dh];
        double sy = (double) sh / dh;
        for (int y = 0; y < dh; y++) {
            double start = y * sy;
            double end = start + sy;
            for (int x = 0; x < dw; x++) {
                double[] sum = new double[3];
                for (int j = (int) Math.floor(start); j < Math.min(sh, (int) Math.ceil(end)); j++) {
                    double weight = Math.min(end, j + 1) - Math.max(start, j);
                    for (int c = 0; c < 3; c++) {
                        sum[c] += horizontal[c][j * dw + x] * weight;
                    }
                }
                int r = (int) Math.round(sum[0] / sy);
                int g = (int) Math.round(sum[1] / sy);
                int b = (int) Math.round(sum[2] / sy);
                out[y * dw + x] = Math.min(255, r) << 16 | Math.min(255, g) << 8 | Math.min(255, b);
            }
        }
        return out;
    }

    static double psnr(int[] a, int[] b) {
        assertEquals(a.length, b.length);
        double squared = 0;
        for (int i = 0; i < a.length; i++) {
            for (int shift = 0; shift <= 16; shift += 8) {
                int d = ((a[i] >> shift) & 0xff) - ((b[i] >> shift) & 0xff);
                squared += d * d;
            }
        }
        double mse = squared / (a.length * 3.0);
        return mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
    }
}
