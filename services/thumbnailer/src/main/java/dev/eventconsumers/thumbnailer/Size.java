package dev.eventconsumers.thumbnailer;

/**
 * A width and height in pixels: a thumbnail box such as {@code 200x200}, or an image's dimensions.
 *
 * @param width  pixels across
 * @param height pixels down
 */
public record Size(int width, int height) {
    public Size {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("a size needs positive width and height, not " + width + "x" + height);
        }
    }

    /**
     * @param text {@code WIDTHxHEIGHT}, e.g. {@code 200x200}
     * @return the size
     */
    public static Size parse(String text) {
        String[] parts = text.trim().toLowerCase().split("x");
        if (parts.length != 2) {
            throw new IllegalArgumentException("a size is WIDTHxHEIGHT, e.g. 200x200, not '" + text + "'");
        }
        return new Size(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
    }

    /** @return the longer side over the shorter */
    public double aspectRatio() {
        return (double) Math.max(width, height) / Math.min(width, height);
    }

    /** @return width times height */
    public long pixels() {
        return (long) width * height;
    }

    /** @return the same size turned by 90 degrees */
    public Size transposed() {
        return new Size(height, width);
    }

    /**
     * The largest size with this size's aspect ratio that fits inside the box; never larger than this size.
     *
     * @param box the bounding box
     * @return the fitted size, at least 1x1
     */
    public Size fitInside(Size box) {
        double scale = Math.min(1.0, Math.min((double) box.width / width, (double) box.height / height));
        if (scale >= 1.0) {
            return this;
        }
        return new Size(Math.max(1, Math.min(box.width, (int) Math.round(width * scale))),
                        Math.max(1, Math.min(box.height, (int) Math.round(height * scale))));
    }

    @Override
    public String toString() {
        return width + "x" + height;
    }
}
