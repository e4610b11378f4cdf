package dev.eventconsumers.thumbnailer;

import dev.eventconsumers.telemetry.Meters;
import io.helidon.metrics.api.Timer;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferInt;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Source bytes in, JPEG thumbnails out: the format is detected from the bytes, the dimensions are checked against the
 * pixel limit before anything is decoded, the image is decoded once (with source subsampling when the thumbnails are
 * much smaller), each size is derived from the previous, larger one, and EXIF orientation is applied last, on the
 * small images.
 */
public final class ThumbnailPipeline {
    /** The stage timers, made when first used (or by the service's background registration). */
    static final class Stages {
        /** Time to decode a source (with its subsampling) into RGB pixels. */
        static final Timer DECODE = Meters.timer("thumbnail.decode.duration", "time to decode one source image");
        /** Time to resample (and orient) one thumbnail. */
        static final Timer RESAMPLE = Meters.timer("thumbnail.resample.duration", "time to resample one thumbnail");
        /** Time to encode one thumbnail as JPEG. */
        static final Timer ENCODE = Meters.timer("thumbnail.encode.duration", "time to encode one thumbnail");

        private Stages() {
        }
    }
    /** ImageIO, set up on first use only: a JPEG on libjpeg-turbo never loads it (its plugin scan costs start-up). */
    private static final class ImageIo {
        static {
            // The disk cache only slows in-memory decoding down.
            ImageIO.setUseCache(false);
        }

        static ImageInputStream input(byte[] source) throws IOException {
            return ImageIO.createImageInputStream(new ByteArrayInputStream(source));
        }
    }

    /** What became of one source image. */
    public sealed interface Result {
    }

    /**
     * @param format     detected format, e.g. {@code jpeg}
     * @param source     upright source dimensions
     * @param thumbnails per requested box, the encoded thumbnail
     */
    public record Rendered(String format, Size source, Map<Size, Thumbnail> thumbnails) implements Result {
    }

    /** No image reader recognises the bytes. */
    public record Unsupported() implements Result {
    }

    /**
     * @param format detected format
     * @param source declared dimensions
     * @param limit  the pixel limit they exceed
     */
    public record TooLarge(String format, Size source, long limit) implements Result {
    }

    /**
     * @param format detected format
     * @param reason what the decoder said
     */
    public record Corrupt(String format, String reason) implements Result {
    }

    /**
     * @param format detected format
     * @param source declared dimensions
     * @param limit  the longest side may be at most this many times the shortest
     */
    public record Elongated(String format, Size source, double limit) implements Result {
    }

    /**
     * @param jpeg encoded bytes
     * @param size thumbnail dimensions
     */
    public record Thumbnail(byte[] jpeg, Size size) {
    }

    /** Decoder warnings that mean the pixels are damaged (others, such as a missing ICC profile, do not). */
    private static final java.util.regex.Pattern DAMAGE = java.util.regex.Pattern.compile(
            "(?i)premature end|corrupt|truncat|unexpected end|bogus|invalid");
    /** libjpeg warnings about the header alone, which leave the pixels whole. */
    private static final java.util.regex.Pattern BENIGN = java.util.regex.Pattern.compile(
            "(?i)jfif revision|adobe color transform");

    private static final java.util.logging.Logger LOGGER = java.util.logging.Logger.getLogger(
            ThumbnailPipeline.class.getName());

    private final long maxPixels;
    private final double maxAspectRatio;
    private final MemoryBudget budget;
    private final float quality;
    private final Resampler.Filter filter;
    /** libjpeg-turbo for JPEGs (decoded at a reduced DCT scale), or empty: ImageIO with source subsampling. */
    private final java.util.Optional<TurboJpeg> turbo;

    /**
     * @param maxPixels      largest source (width times height) that is decoded at all
     * @param maxAspectRatio longest side over shortest side of a source that is decoded at all
     * @param budget         bound on pixels decoded at once across threads
     * @param quality        JPEG quality, 0..1
     */
    public ThumbnailPipeline(long maxPixels, double maxAspectRatio, MemoryBudget budget, float quality) {
        this(maxPixels, maxAspectRatio, budget, quality, jpegDecoder("auto"));
    }

    /**
     * @param maxPixels      largest source (width times height) that is decoded at all
     * @param maxAspectRatio longest side over shortest side of a source that is decoded at all
     * @param budget         bound on pixels decoded at once across threads
     * @param quality        JPEG quality, 0..1
     * @param turbo          libjpeg-turbo for JPEGs, or empty for ImageIO ({@link #jpegDecoder})
     */
    ThumbnailPipeline(long maxPixels, double maxAspectRatio, MemoryBudget budget, float quality,
                      java.util.Optional<TurboJpeg> turbo) {
        this(maxPixels, maxAspectRatio, budget, quality, Resampler.Filter.BICUBIC, turbo);
    }

    ThumbnailPipeline(long maxPixels, double maxAspectRatio, MemoryBudget budget, float quality,
                      Resampler.Filter filter) {
        this(maxPixels, maxAspectRatio, budget, quality, filter, jpegDecoder("auto"));
    }

    /**
     * @param choice {@code auto}, {@code turbojpeg} (fails without the library) or {@code imageio}
     * @return the JPEG decoder to use; which one is logged once
     */
    static java.util.Optional<TurboJpeg> jpegDecoder(String choice) {
        java.util.Optional<TurboJpeg> turbo = choice.equals("imageio") ? java.util.Optional.empty()
                : TurboJpeg.instance();
        if (choice.equals("turbojpeg") && turbo.isEmpty()) {
            throw new IllegalStateException("thumbnailer.jpeg.decoder=turbojpeg, but libturbojpeg (Debian: "
                                                    + "libturbojpeg0) cannot be loaded");
        }
        if (LOGGED.compareAndSet(false, true)) {
            LOGGER.info(() -> turbo.map(t -> "JPEG decoder: libjpeg-turbo (" + t.library()
                    + ", through the FFM API), decoding at reduced DCT scales").orElse(
                    "JPEG decoder: ImageIO with source subsampling" + (choice.equals("imageio") ? " (configured)"
                            : " (libturbojpeg not found: install libturbojpeg0 for faster JPEG thumbnails)")));
        }
        return turbo;
    }

    private static final java.util.concurrent.atomic.AtomicBoolean LOGGED = new java.util.concurrent.atomic.AtomicBoolean();

    ThumbnailPipeline(long maxPixels, double maxAspectRatio, MemoryBudget budget, float quality,
                      Resampler.Filter filter, java.util.Optional<TurboJpeg> turbo) {
        this.turbo = turbo;
        if (quality <= 0 || quality > 1) {
            throw new IllegalArgumentException("JPEG quality must be in (0, 1], not " + quality);
        }
        this.maxPixels = maxPixels;
        this.maxAspectRatio = maxAspectRatio;
        this.budget = budget;
        this.quality = quality;
        this.filter = filter;
    }

    /**
     * @param source the source file's bytes
     * @param boxes  thumbnail boxes
     * @return the thumbnails, or why there are none
     * @throws InterruptedException when interrupted while waiting for pixel budget
     */
    public Result render(byte[] source, List<Size> boxes) throws InterruptedException {
        if (turbo.isPresent() && source.length > 3 && (source[0] & 0xff) == 0xFF && (source[1] & 0xff) == 0xD8
                && (source[2] & 0xff) == 0xFF) {
            // A JPEG: header, decode and encode by libjpeg-turbo, without loading ImageIO (a fresh instance's first
            // event pays no ImageIO start-up); what it does not decode to RGB goes the ImageIO way below.
            java.util.Optional<TurboJpeg.Header> header = header(turbo.get(), source);
            if (header.isPresent() && TurboJpeg.decodesToRgb(header.get().colorspace())
                    && header.get().width() > 0 && header.get().height() > 0) {
                return renderJpeg(turbo.get(), source, new Size(header.get().width(), header.get().height()), boxes);
            }
        }
        try (ImageInputStream in = ImageIo.input(source)) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return new Unsupported();
            }
            ImageReader reader = readers.next();
            String format = reader.getFormatName().toLowerCase(Locale.ROOT);
            try {
                reader.setInput(in, true, true);
                return render(source, reader, format, boxes);
            } catch (IOException | RuntimeException e) {
                return new Corrupt(format, String.valueOf(e.getMessage()));
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @SuppressWarnings("try") // the lease is held for its scope, never read
    private Result render(byte[] source, ImageReader reader, String format, List<Size> boxes)
            throws IOException, InterruptedException {
        Size stored = new Size(reader.getWidth(0), reader.getHeight(0));
        if (stored.pixels() > maxPixels) {
            return new TooLarge(format, stored, maxPixels);
        }
        if (stored.aspectRatio() > maxAspectRatio) {
            // A 33,000,000 x 3 PNG is 99 MP, under the limit, and would make thumbnails less than a pixel high.
            return new Elongated(format, stored, maxAspectRatio);
        }
        int orientation = format.equals("jpeg") || format.equals("jpg") ? Orientation.ofJpeg(source) : 1;
        boolean swap = Orientation.swapsAxes(orientation);
        Size upright = swap ? stored.transposed() : stored;
        List<Size> largestFirst = boxes.stream().sorted(Comparator.comparingLong(Size::pixels).reversed()).toList();
        Size largestTarget = upright.fitInside(largestFirst.getFirst());
        Size storedLargest = swap ? largestTarget.transposed() : largestTarget;
        // Each axis on its own: a step from the short side alone left an elongated image decoded at full length.
        int xStep = subsampling(stored.width(), storedLargest.width());
        int yStep = subsampling(stored.height(), storedLargest.height());
        long decodedPixels = (long) ceilDiv(stored.width(), xStep) * ceilDiv(stored.height(), yStep);

        List<String> warnings = new ArrayList<>();
        IIOReadWarningListener listener = (r, warning) -> warnings.add(warning);
        reader.addIIOReadWarningListener(listener);
        // The decoded image and its RGB copy are held at once.
        try (MemoryBudget.Lease lease = budget.acquire(decodedPixels * 2)) {
            ImageReadParam param = reader.getDefaultReadParam();
            param.setSourceSubsampling(xStep, yStep, 0, 0);
            long decodeBegan = System.nanoTime();
            BufferedImage decoded = reader.read(0, param);
            List<String> damage = warnings.stream().filter(w -> DAMAGE.matcher(w).find()).toList();
            if (!damage.isEmpty()) {
                // The JPEG decoder only warns about a truncated file and fills the rest with grey.
                return new Corrupt(format, String.join("; ", damage));
            }
            int w = decoded.getWidth();
            int h = decoded.getHeight();
            int[] pixels = rgb(decoded);
            decoded = null;
            Stages.DECODE.record(System.nanoTime() - decodeBegan, TimeUnit.NANOSECONDS);

            return thumbnails(pixels, w, h, format, upright, swap, orientation, largestFirst, boxes);
        } finally {
            reader.removeIIOReadWarningListener(listener);
        }
    }

    /** Each size from the previous, larger one; orientation applied to the small images. */
    private Result thumbnails(int[] decoded, int width, int height, String format, Size upright, boolean swap,
                              int orientation, List<Size> largestFirst, List<Size> boxes) {
        int[] pixels = decoded;
        int w = width;
        int h = height;
        Map<Size, Thumbnail> thumbnails = new LinkedHashMap<>();
        for (Size box : largestFirst) {
            Size target = upright.fitInside(box);
            Size storedTarget = swap ? target.transposed() : target;
            long resampleBegan = System.nanoTime();
            pixels = Resampler.resize(pixels, w, h, storedTarget.width(), storedTarget.height(), filter);
            w = storedTarget.width();
            h = storedTarget.height();
            int[] shown = Orientation.apply(pixels, w, h, orientation);
            long encodeBegan = System.nanoTime();
            Stages.RESAMPLE.record(encodeBegan - resampleBegan, TimeUnit.NANOSECONDS);
            thumbnails.put(box, new Thumbnail(turbo.isPresent() ? turbo.get().encode(shown, target, quality)
                    : jpeg(shown, target, quality), target));
            Stages.ENCODE.record(System.nanoTime() - encodeBegan, TimeUnit.NANOSECONDS);
        }
        Map<Size, Thumbnail> inRequestOrder = new LinkedHashMap<>();
        boxes.forEach(box -> inRequestOrder.put(box, thumbnails.get(box)));
        return new Rendered(format, upright, inRequestOrder);
    }

    /** The JPEG path on libjpeg-turbo: the same checks, sizes and orientation as the ImageIO path. */
    private Result renderJpeg(TurboJpeg turbo, byte[] source, Size stored, List<Size> boxes)
            throws InterruptedException {
        String format = "jpeg";
        if (stored.pixels() > maxPixels) {
            return new TooLarge(format, stored, maxPixels);
        }
        if (stored.aspectRatio() > maxAspectRatio) {
            return new Elongated(format, stored, maxAspectRatio);
        }
        int orientation = Orientation.ofJpeg(source);
        boolean swap = Orientation.swapsAxes(orientation);
        Size upright = swap ? stored.transposed() : stored;
        List<Size> largestFirst = boxes.stream().sorted(Comparator.comparingLong(Size::pixels).reversed()).toList();
        Size largestTarget = upright.fitInside(largestFirst.getFirst());
        Size storedLargest = swap ? largestTarget.transposed() : largestTarget;
        return renderTurbo(turbo, source, format, stored, storedLargest, upright, swap, orientation, largestFirst,
                           boxes);
    }

    private static java.util.Optional<TurboJpeg.Header> header(TurboJpeg turbo, byte[] source) {
        try {
            return java.util.Optional.of(turbo.header(source));
        } catch (TurboJpeg.DecodeException e) {
            return java.util.Optional.empty();
        }
    }

    /**
     * The JPEG decoded by libjpeg-turbo straight to the smallest DCT scale that is still at least the largest
     * thumbnail (a scaled inverse DCT averages the pixels it drops, where subsampling skips them), then resampled and
     * oriented as on the ImageIO path.
     */
    private Result renderTurbo(TurboJpeg turbo, byte[] source, String format, Size stored, Size storedLargest,
                               Size upright, boolean swap, int orientation, List<Size> largestFirst, List<Size> boxes)
            throws InterruptedException {
        Size scaled = turbo.scaledAtLeast(stored.width(), stored.height(), storedLargest.width(),
                                          storedLargest.height());
        // The decoded pixels and the library's native buffer are held at once.
        try (MemoryBudget.Lease lease = budget.acquire(scaled.pixels() * 2)) {
            long decodeBegan = System.nanoTime();
            TurboJpeg.Decoded decoded;
            try {
                decoded = turbo.decode(source, scaled);
            } catch (TurboJpeg.DecodeException e) {
                return new Corrupt(format, e.getMessage());
            }
            if (decoded.warning().isPresent() && !BENIGN.matcher(decoded.warning().get()).find()) {
                // A truncated or damaged file decodes with a warning and grey where data was missing. TurboJPEG keeps
                // only the last warning (after "premature end of data segment" may come "unsupported marker"), so
                // every warning but the harmless header ones means damage, as ImageIO's warnings do.
                return new Corrupt(format, decoded.warning().get());
            }
            Stages.DECODE.record(System.nanoTime() - decodeBegan, TimeUnit.NANOSECONDS);
            return thumbnails(decoded.pixels(), scaled.width(), scaled.height(), format, upright, swap, orientation,
                              largestFirst, boxes);
        }
    }

    /**
     * Decode at 1/n of an axis while that still leaves at least twice the largest thumbnail's extent for the filter.
     *
     * @param source the source's extent on the axis
     * @param target the largest thumbnail's extent on it
     * @return the step
     */
    static int subsampling(int source, int target) {
        return Math.max(1, source / (2 * target));
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }

    /** Packed RGB of any decoded image; transparency is flattened onto white, since JPEG has none. */
    static int[] rgb(BufferedImage image) {
        if (image.getType() == BufferedImage.TYPE_INT_RGB && image.getRaster().getDataBuffer() instanceof DataBufferInt ints
                && ints.getNumBanks() == 1 && ints.getData().length == image.getWidth() * image.getHeight()) {
            return ints.getData();
        }
        BufferedImage rgb = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            g.drawImage(image, 0, 0, null);
        } finally {
            g.dispose();
        }
        return ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
    }

    /**
     * @param pixels  packed RGB, row-major
     * @param size    dimensions
     * @param quality JPEG quality
     * @return baseline JPEG bytes
     */
    static byte[] jpeg(int[] pixels, Size size, float quality) {
        BufferedImage image = new BufferedImage(size.width(), size.height(), BufferedImage.TYPE_INT_RGB);
        image.getRaster().setDataElements(0, 0, size.width(), size.height(), pixels);
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream(size.width() * size.height() / 4 + 1024);
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(image, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }
}
