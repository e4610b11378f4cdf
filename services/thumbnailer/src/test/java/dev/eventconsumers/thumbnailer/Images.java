package dev.eventconsumers.thumbnailer;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Test images from {@code src/test/resources/images}, made with ImageMagick, cwebp and exiftool. */
final class Images {
    private Images() {
    }

    static byte[] bytes(String name) {
        try (InputStream in = Images.class.getResourceAsStream("/images/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no test image " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage decode(byte[] bytes) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(bytes));
            if (image == null) {
                throw new IllegalStateException("not an image");
            }
            return image;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the mean of each channel over a small square around (x, y) */
    static int[] meanRgb(BufferedImage image, int x, int y, int radius) {
        long r = 0;
        long g = 0;
        long b = 0;
        int n = 0;
        for (int yy = Math.max(0, y - radius); yy <= Math.min(image.getHeight() - 1, y + radius); yy++) {
            for (int xx = Math.max(0, x - radius); xx <= Math.min(image.getWidth() - 1, x + radius); xx++) {
                int p = image.getRGB(xx, yy);
                r += (p >> 16) & 0xff;
                g += (p >> 8) & 0xff;
                b += p & 0xff;
                n++;
            }
        }
        return new int[] {(int) (r / n), (int) (g / n), (int) (b / n)};
    }

    static boolean near(int[] rgb, int r, int g, int b, int tolerance) {
        return Math.abs(rgb[0] - r) <= tolerance && Math.abs(rgb[1] - g) <= tolerance && Math.abs(rgb[2] - b) <= tolerance;
    }
}
