package dev.eventconsumers.thumbnailer;

import javax.imageio.ImageIO;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Large photos for tests and benchmarks, made from the committed 1200x900 photo by tiling it (mirrored, so the
 * seams are smooth): real texture at any size without committing megabytes.
 */
public final class TestPhotos {
    private TestPhotos() {
    }

    /**
     * @param width  pixels across
     * @param height pixels down
     * @return an RGB image of that size
     */
    public static BufferedImage tiled(int width, int height) {
        BufferedImage tile = Images.decode(Images.bytes("photo.jpg"));
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            for (int y = 0, row = 0; y < height; y += tile.getHeight(), row++) {
                for (int x = 0, col = 0; x < width; x += tile.getWidth(), col++) {
                    boolean flipX = col % 2 == 1;
                    boolean flipY = row % 2 == 1;
                    g.drawImage(tile, flipX ? x + tile.getWidth() : x, flipY ? y + tile.getHeight() : y,
                                flipX ? -tile.getWidth() : tile.getWidth(), flipY ? -tile.getHeight() : tile.getHeight(),
                                null);
                }
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * @param image   an image
     * @param quality JPEG quality
     * @return it as a baseline JPEG
     */
    public static byte[] jpeg(BufferedImage image, float quality) {
        return ThumbnailPipeline.jpeg(ThumbnailPipeline.rgb(image), new Size(image.getWidth(), image.getHeight()),
                                      quality);
    }

    /**
     * @param image an image
     * @return it as a PNG
     */
    public static byte[] png(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
