package dev.eventconsumers.thumbnailer;

/**
 * Separable convolution resampling of packed RGB pixels ({@code 0xRRGGBB}), with the filter support widened by the
 * scale factor when shrinking, so every source pixel contributes (the method of Pillow's {@code resize}). Pure
 * arithmetic: no AWT, no I/O.
 */
public final class Resampler {

    /** A reconstruction filter. */
    public enum Filter {
        /** Catmull-Rom style bicubic (a = -0.5), Pillow's default for thumbnails. */
        BICUBIC(2.0) {
            @Override
            double weight(double x) {
                final double a = -0.5;
                x = Math.abs(x);
                if (x < 1.0) {
                    return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
                }
                if (x < 2.0) {
                    return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
                }
                return 0.0;
            }
        },
        /** Lanczos with three lobes: sharper, twice the taps of bicubic. */
        LANCZOS3(3.0) {
            @Override
            double weight(double x) {
                if (x == 0.0) {
                    return 1.0;
                }
                if (x <= -3.0 || x >= 3.0) {
                    return 0.0;
                }
                double px = Math.PI * x;
                return 3.0 * Math.sin(px) * Math.sin(px / 3.0) / (px * px);
            }
        };

        private final double support;

        Filter(double support) {
            this.support = support;
        }

        abstract double weight(double x);
    }

    private Resampler() {
    }

    /**
     * @param src    source pixels, row-major
     * @param sw     source width
     * @param sh     source height
     * @param dw     target width
     * @param dh     target height
     * @param filter the filter
     * @return target pixels, row-major
     */
    public static int[] resize(int[] src, int sw, int sh, int dw, int dh, Filter filter) {
        if (sw == dw && sh == dh) {
            return src.clone();
        }
        int[] horizontal = sw == dw ? src : horizontal(src, sw, sh, dw, coefficients(sw, dw, filter));
        return sh == dh ? horizontal : vertical(horizontal, dw, sh, dh, coefficients(sh, dh, filter));
    }

    /** Weights of each output pixel over a window of input pixels. */
    private record Coefficients(int[] start, int[] count, float[] weights, int stride) {
    }

    private static Coefficients coefficients(int in, int out, Filter filter) {
        double scale = (double) in / out;
        double filterScale = Math.max(scale, 1.0);
        double support = filter.support * filterScale;
        int stride = (int) Math.ceil(support) * 2 + 1;
        int[] start = new int[out];
        int[] count = new int[out];
        float[] weights = new float[out * stride];
        for (int i = 0; i < out; i++) {
            double center = (i + 0.5) * scale;
            int min = Math.max(0, (int) (center - support + 0.5));
            int max = Math.min(in, (int) (center + support + 0.5));
            int n = Math.min(max - min, stride);
            double total = 0;
            for (int k = 0; k < n; k++) {
                double w = filter.weight((k + min - center + 0.5) / filterScale);
                weights[i * stride + k] = (float) w;
                total += w;
            }
            if (total != 0) {
                for (int k = 0; k < n; k++) {
                    weights[i * stride + k] = (float) (weights[i * stride + k] / total);
                }
            }
            start[i] = min;
            count[i] = n;
        }
        return new Coefficients(start, count, weights, stride);
    }

    private static int[] horizontal(int[] src, int sw, int sh, int dw, Coefficients c) {
        int[] dst = new int[dw * sh];
        for (int y = 0; y < sh; y++) {
            int row = y * sw;
            int out = y * dw;
            for (int x = 0; x < dw; x++) {
                float r = 0;
                float g = 0;
                float b = 0;
                int base = row + c.start[x];
                int w0 = x * c.stride;
                for (int k = 0, n = c.count[x]; k < n; k++) {
                    int p = src[base + k];
                    float w = c.weights[w0 + k];
                    r += ((p >> 16) & 0xff) * w;
                    g += ((p >> 8) & 0xff) * w;
                    b += (p & 0xff) * w;
                }
                dst[out + x] = pack(r, g, b);
            }
        }
        return dst;
    }

    private static int[] vertical(int[] src, int w, int sh, int dh, Coefficients c) {
        int[] dst = new int[w * dh];
        float[] r = new float[w];
        float[] g = new float[w];
        float[] b = new float[w];
        for (int y = 0; y < dh; y++) {
            java.util.Arrays.fill(r, 0);
            java.util.Arrays.fill(g, 0);
            java.util.Arrays.fill(b, 0);
            int w0 = y * c.stride;
            for (int k = 0, n = c.count[y]; k < n; k++) {
                float weight = c.weights[w0 + k];
                int row = (c.start[y] + k) * w;
                for (int x = 0; x < w; x++) {
                    int p = src[row + x];
                    r[x] += ((p >> 16) & 0xff) * weight;
                    g[x] += ((p >> 8) & 0xff) * weight;
                    b[x] += (p & 0xff) * weight;
                }
            }
            int out = y * w;
            for (int x = 0; x < w; x++) {
                dst[out + x] = pack(r[x], g[x], b[x]);
            }
        }
        return dst;
    }

    private static int pack(float r, float g, float b) {
        return clamp(r) << 16 | clamp(g) << 8 | clamp(b);
    }

    private static int clamp(float v) {
        int i = (int) (v + 0.5f);
        return i < 0 ? 0 : Math.min(i, 255);
    }
}
