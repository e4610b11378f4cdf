package dev.eventconsumers.thumbnailer;

import io.helidon.config.Config;

import java.util.Arrays;
import java.util.List;

/**
 * What the thumbnailer makes and what it refuses (config node {@code thumbnailer}, defaults in {@code application.yaml};
 * every key can be set from the environment, e.g. {@code THUMBNAILER_SIZES=200x200,400x400}).
 *
 * @param sizes           boxes the thumbnails fit in ({@code sizes})
 * @param jpegQuality     JPEG quality 0..1 ({@code jpeg.quality})
 * @param sourcePrefix    only objects below this prefix are thumbnailed ({@code source.prefix})
 * @param outputPrefix    where thumbnails go, never a source ({@code output.prefix})
 * @param maxPixels       larger sources are rejected before decoding ({@code max.pixels})
 * @param maxAspectRatio  sources whose longer side is more times the shorter are rejected ({@code max.aspect-ratio})
 * @param maxBytes        larger objects are skipped unread ({@code max.bytes})
 * @param budgetPixels    pixels decoded at once across concurrent events ({@code budget.pixels})
 * @param budgetBytes     source bytes held at once across concurrent events ({@code budget.bytes})
 * @param jpegDecoder     {@code auto} (libjpeg-turbo where the machine has it, else ImageIO), {@code turbojpeg},
 *                        {@code imageio} ({@code jpeg.decoder})
 */
public record ThumbnailSettings(List<Size> sizes, float jpegQuality, String sourcePrefix, String outputPrefix,
                                long maxPixels, double maxAspectRatio, long maxBytes, long budgetPixels,
                                long budgetBytes, String jpegDecoder) {

    public ThumbnailSettings {
        sizes = List.copyOf(sizes);
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("thumbnailer.sizes must name at least one size");
        }
        if (!List.of("auto", "turbojpeg", "imageio").contains(jpegDecoder)) {
            throw new IllegalArgumentException("thumbnailer.jpeg.decoder is auto, turbojpeg or imageio, not "
                                                       + jpegDecoder);
        }
        if (sourcePrefix.startsWith(outputPrefix) || outputPrefix.startsWith(sourcePrefix)) {
            throw new IllegalArgumentException("thumbnailer.source.prefix '" + sourcePrefix + "' and output.prefix '"
                                                       + outputPrefix + "' must not overlap, or thumbnails loop");
        }
    }

    /**
     * @param config the {@code thumbnailer} node (defaults in {@code application.yaml})
     * @return the settings
     */
    public static ThumbnailSettings fromConfig(Config config) {
        List<Size> sizes = Arrays.stream(config.get("sizes").asString().get().split(","))
                .filter(s -> !s.isBlank()).map(Size::parse).distinct().toList();
        return new ThumbnailSettings(
                sizes,
                config.get("jpeg.quality").asDouble().get().floatValue(),
                config.get("source.prefix").asString().get(),
                config.get("output.prefix").asString().get(),
                config.get("max.pixels").asLong().get(),
                config.get("max.aspect-ratio").asDouble().get(),
                config.get("max.bytes").asLong().get(),
                config.get("budget.pixels").asLong().get(),
                config.get("budget.bytes").asLong().get(),
                config.get("jpeg.decoder").asString().orElse("auto"));
    }

    /**
     * @param box    thumbnail box
     * @param source source object name
     * @return {@code thumbnails/{W}x{H}/{source}}
     */
    public String thumbnailName(Size box, String source) {
        return outputPrefix + box + "/" + source;
    }
}
