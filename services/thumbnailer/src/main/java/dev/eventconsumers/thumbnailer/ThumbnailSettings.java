package dev.eventconsumers.thumbnailer;

import io.helidon.config.Config;

import java.util.Arrays;
import java.util.List;

/**
 * What the thumbnailer makes and what it refuses (config node {@code thumbnailer}; every key can be set from the
 * environment, e.g. {@code THUMBNAILER_SIZES=200x200,400x400}).
 *
 * @param sizes           boxes the thumbnails fit in ({@code sizes}, default {@code 200x200,400x400,800x800})
 * @param jpegQuality     JPEG quality 0..1 ({@code jpeg.quality}, default 0.85)
 * @param sourcePrefix    only objects below this prefix are thumbnailed ({@code source.prefix}, default {@code uploads/})
 * @param outputPrefix    where thumbnails go, never a source ({@code output.prefix}, default {@code thumbnails/})
 * @param maxPixels       larger sources are rejected before decoding ({@code max.pixels}, default 100 MP)
 * @param maxBytes        larger objects are skipped unread ({@code max.bytes}, default 64 MiB)
 * @param budgetPixels    pixels decoded at once across concurrent events ({@code budget.pixels}, default 24 MP)
 */
public record ThumbnailSettings(List<Size> sizes, float jpegQuality, String sourcePrefix, String outputPrefix,
                                long maxPixels, long maxBytes, long budgetPixels) {

    public ThumbnailSettings {
        sizes = List.copyOf(sizes);
        if (sizes.isEmpty()) {
            throw new IllegalArgumentException("thumbnailer.sizes must name at least one size");
        }
        if (sourcePrefix.startsWith(outputPrefix) || outputPrefix.startsWith(sourcePrefix)) {
            throw new IllegalArgumentException("thumbnailer.source.prefix '" + sourcePrefix + "' and output.prefix '"
                                                       + outputPrefix + "' must not overlap, or thumbnails loop");
        }
    }

    /** @return the defaults */
    public static ThumbnailSettings defaults() {
        return fromConfig(Config.empty());
    }

    /**
     * @param config the {@code thumbnailer} node
     * @return the settings
     */
    public static ThumbnailSettings fromConfig(Config config) {
        List<Size> sizes = Arrays.stream(config.get("sizes").asString().orElse("200x200,400x400,800x800").split(","))
                .filter(s -> !s.isBlank()).map(Size::parse).distinct().toList();
        return new ThumbnailSettings(
                sizes,
                config.get("jpeg.quality").asDouble().orElse(0.85).floatValue(),
                config.get("source.prefix").asString().orElse("uploads/"),
                config.get("output.prefix").asString().orElse("thumbnails/"),
                config.get("max.pixels").asLong().orElse(100_000_000L),
                config.get("max.bytes").asLong().orElse(64L * 1024 * 1024),
                config.get("budget.pixels").asLong().orElse(24_000_000L));
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
