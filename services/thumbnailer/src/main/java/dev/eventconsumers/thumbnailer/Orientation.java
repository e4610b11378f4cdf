package dev.eventconsumers.thumbnailer;

import com.twelvemonkeys.imageio.metadata.Directory;
import com.twelvemonkeys.imageio.metadata.Entry;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEG;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegment;
import com.twelvemonkeys.imageio.metadata.jpeg.JPEGSegmentUtil;
import com.twelvemonkeys.imageio.metadata.tiff.TIFF;
import com.twelvemonkeys.imageio.metadata.tiff.TIFFReader;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/** EXIF orientation (1-8): how the stored pixels must be turned or mirrored to show the picture upright. */
public final class Orientation {
    private Orientation() {
    }

    /**
     * @param jpeg a JPEG file
     * @return its EXIF orientation, 1 (as stored) when it has none or it is unreadable
     */
    public static int ofJpeg(byte[] jpeg) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
            List<JPEGSegment> exif = JPEGSegmentUtil.readSegments(in, JPEG.APP1, "Exif");
            if (exif.isEmpty()) {
                return 1;
            }
            InputStream data = exif.getFirst().data();
            if (data.read() < 0) { // the pad byte after "Exif\0"
                return 1;
            }
            try (ImageInputStream tiff = ImageIO.createImageInputStream(data)) {
                Directory directory = new TIFFReader().read(tiff);
                Entry entry = directory.getEntryById(TIFF.TAG_ORIENTATION);
                if (entry == null || !(entry.getValue() instanceof Number number)) {
                    return 1;
                }
                int value = number.intValue();
                return value >= 1 && value <= 8 ? value : 1;
            }
        } catch (IOException | RuntimeException unreadable) {
            // A broken EXIF block must not cost the thumbnail: show the pixels as stored.
            return 1;
        }
    }

    /**
     * @param orientation EXIF orientation
     * @return whether showing the image upright swaps width and height
     */
    public static boolean swapsAxes(int orientation) {
        return orientation >= 5 && orientation <= 8;
    }

    /**
     * @param px          stored pixels, row-major
     * @param w           stored width
     * @param h           stored height
     * @param orientation EXIF orientation
     * @return the upright pixels (width and height swapped for 5-8)
     */
    public static int[] apply(int[] px, int w, int h, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return px;
        }
        int[] out = new int[px.length];
        boolean swap = swapsAxes(orientation);
        int dw = swap ? h : w;
        int dh = swap ? w : h;
        for (int y = 0; y < dh; y++) {
            for (int x = 0; x < dw; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; } // 8
                }
                out[y * dw + x] = px[sy * w + sx];
            }
        }
        return out;
    }
}
