package dev.eventconsumers.thumbnailer;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Milliseconds per source image for all three thumbnail sizes: this service's pipeline with each JPEG decoder
 * (libjpeg-turbo at a reduced DCT scale, where the machine has it; ImageIO with source subsampling) against a naive one
 * (decode anew for each size, Lanczos from full resolution), cold (first call in a fresh JVM) and warm, with the peak
 * heap used; and, where Debian's python3-pil is installed, the reference's own Pillow pipeline on the same files.
 * <p>
 * Run: {@code ./dev bench thumbnailer [--iterations N] [FILE...]}. Without files it makes, from the committed test
 * photo, a 12 MP JPEG (4:2:0), the same as 4:4:4 and as progressive (with Pillow, where it is installed) and a 6 MP PNG.
 */
public final class ThumbnailBenchmark {
    static final List<Size> BOXES = List.of(Size.parse("200x200"), Size.parse("400x400"), Size.parse("800x800"));

    private ThumbnailBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 2 && args[0].equals("--cold")) {
            coldChild(Path.of(args[1]));
            return;
        }
        int iterations = 10;
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--iterations")) {
                iterations = Integer.parseInt(args[++i]);
            } else {
                files.add(Path.of(args[i]));
            }
        }
        if (files.isEmpty()) {
            Path dir = Files.createTempDirectory("thumbnail-bench");
            Path jpeg = Files.write(dir.resolve("photo-12mp.jpg"), TestPhotos.jpeg(TestPhotos.tiled(4000, 3000), 0.9f));
            files.add(jpeg);
            files.addAll(pillowVariants(jpeg));
            files.add(Files.write(dir.resolve("large-6mp.png"), TestPhotos.png(TestPhotos.tiled(3000, 2000))));
        }
        System.out.printf("JVM %s, %d cores, max heap %d MiB, %d iterations after %d warm-up%n",
                          Runtime.version(), Runtime.getRuntime().availableProcessors(),
                          Runtime.getRuntime().maxMemory() >> 20, iterations, iterations);
        System.out.printf("%-18s %-10s %10s %10s %10s %10s%n", "file", "pipeline", "cold ms", "warm p50", "warm mean",
                          "peak MiB");
        boolean turbo = TurboJpeg.instance().isPresent();
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            Map<String, double[]> results = new LinkedHashMap<>();
            if (turbo) {
                results.put("turbojpeg", measure(file, bytes, iterations, "turbojpeg"));
            }
            results.put("imageio", measure(file, bytes, iterations, "imageio"));
            results.put("naive", measure(file, bytes, iterations, "naive"));
            results.forEach((name, r) -> System.out.printf("%-18s %-10s %10.0f %10.1f %10.1f %10.0f%n",
                                                           file.getFileName(), name, r[0], r[1], r[2], r[3]));
            double[] pillow = pillow(file, iterations);
            if (pillow != null) {
                System.out.printf("%-18s %-10s %10s %10.1f %10.1f %10s%n", file.getFileName(), "pillow", "-",
                                  pillow[0], pillow[1], "-");
            }
            double[] best = results.get(turbo ? "turbojpeg" : "imageio");
            System.out.printf("%-18s this / pillow (warm p50): %s; this cold / pillow warm: %s%n", file.getFileName(),
                              pillow == null ? "-" : String.format("%.2fx", best[1] / pillow[0]),
                              pillow == null ? "-" : String.format("%.2fx", best[0] / pillow[0]));
        }
    }

    /** @return cold ms, warm median ms, warm mean ms, peak heap MiB */
    static double[] measure(Path file, byte[] bytes, int iterations, String variant) throws Exception {
        double cold = cold(file, variant);
        HeapSampler heap = new HeapSampler(2);
        for (int i = 0; i < iterations; i++) {
            render(bytes, variant);
        }
        System.gc();
        heap.reset();
        double[] times = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            render(bytes, variant);
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        heap.close();
        Arrays.sort(times);
        return new double[] {cold, times[iterations / 2], Arrays.stream(times).average().orElse(0), heap.peakMiB()};
    }

    static void render(byte[] bytes, String variant) throws Exception {
        if (variant.equals("naive")) {
            naive(bytes);
        } else {
            ThumbnailPipeline pipeline = new ThumbnailPipeline(100_000_000, 100, new MemoryBudget(50_000_000), 0.85f,
                                                               ThumbnailPipeline.jpegDecoder(variant));
            if (!(pipeline.render(bytes, BOXES) instanceof ThumbnailPipeline.Rendered)) {
                throw new IllegalStateException("not rendered");
            }
        }
    }

    /** Decode the whole source for every size and Lanczos each from full resolution. */
    static void naive(byte[] bytes) throws IOException {
        for (Size box : BOXES) {
            try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
                ImageReader reader = ImageIO.getImageReaders(in).next();
                reader.setInput(in, true, true);
                java.awt.image.BufferedImage image = reader.read(0);
                reader.dispose();
                Size source = new Size(image.getWidth(), image.getHeight());
                Size target = source.fitInside(box);
                int[] pixels = Resampler.resize(ThumbnailPipeline.rgb(image), source.width(), source.height(),
                                                target.width(), target.height(), Resampler.Filter.LANCZOS3);
                ThumbnailPipeline.jpeg(pixels, target, 0.85f);
            }
        }
    }

    /**
     * The first render in a fresh JVM, class loading and all, after what the service does at start (it makes its
     * pipeline, loading the JPEG decoder, and its meters before the first event arrives).
     */
    static double cold(Path file, String variant) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                           "--enable-native-access=ALL-UNNAMED",
                                           "-cp", System.getProperty("java.class.path"),
                                           ThumbnailBenchmark.class.getName(), "--cold", file + "#" + variant)
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes()).trim();
        if (!child.waitFor(5, TimeUnit.MINUTES) || child.exitValue() != 0) {
            throw new IllegalStateException("cold run failed: " + out);
        }
        String[] lines = out.split("\n");
        return Double.parseDouble(lines[lines.length - 1].trim());
    }

    static void coldChild(Path argument) throws Exception {
        String spec = argument.toString();
        String variant = spec.substring(spec.lastIndexOf('#') + 1);
        byte[] bytes = Files.readAllBytes(Path.of(spec.substring(0, spec.lastIndexOf('#'))));
        if (!variant.equals("naive")) {
            ThumbnailPipeline.jpegDecoder(variant);
            ThumbnailPipeline.Stages.DECODE.count();
        }
        long start = System.nanoTime();
        render(bytes, variant);
        System.out.println((System.nanoTime() - start) / 1e6);
    }

    /** @return the JPEG re-encoded by Pillow as 4:4:4 and as progressive (quality 90), or none without python3-pil */
    static List<Path> pillowVariants(Path jpeg) throws Exception {
        Path full = jpeg.resolveSibling("photo-12mp-444.jpg");
        Path progressive = jpeg.resolveSibling("photo-12mp-progressive.jpg");
        try {
            Process python = new ProcessBuilder("/usr/bin/python3", "-c", """
                    import sys
                    from PIL import Image
                    im = Image.open(sys.argv[1])
                    im.save(sys.argv[2], 'JPEG', quality=90, subsampling=0)
                    im.save(sys.argv[3], 'JPEG', quality=90, progressive=True)
                    """, jpeg.toString(), full.toString(), progressive.toString()).redirectErrorStream(true).start();
            String out = new String(python.getInputStream().readAllBytes()).trim();
            if (python.waitFor(2, TimeUnit.MINUTES) && python.exitValue() == 0) {
                return List.of(full, progressive);
            }
            System.out.println("(no 4:4:4 and progressive variants: " + out.lines().reduce((a, b) -> b).orElse("") + ")");
        } catch (IOException noPython) {
            System.out.println("(no 4:4:4 and progressive variants: no /usr/bin/python3)");
        }
        return List.of();
    }

    /** @return warm median and mean ms of Pillow's pipeline, or null without python3-pil */
    static double[] pillow(Path file, int iterations) throws Exception {
        String script = """
                import io, sys, time, statistics
                from PIL import Image
                data = open(sys.argv[1], 'rb').read()
                n = int(sys.argv[2])
                def once():
                    for size in ((800, 800), (400, 400), (200, 200)):
                        im = Image.open(io.BytesIO(data))
                        im.thumbnail(size)  # draft(): JPEGs are decoded at reduced size
                        im = im.convert('RGB')
                        im.save(io.BytesIO(), 'JPEG', quality=85)
                for _ in range(n):
                    once()
                times = []
                for _ in range(n):
                    t = time.perf_counter(); once(); times.append((time.perf_counter() - t) * 1000)
                print(statistics.median(times), statistics.mean(times))
                """;
        try {
            Process python = new ProcessBuilder("/usr/bin/python3", "-c", script, file.toString(),
                                                Integer.toString(iterations)).redirectErrorStream(true).start();
            String out = new String(python.getInputStream().readAllBytes()).trim();
            if (!python.waitFor(5, TimeUnit.MINUTES) || python.exitValue() != 0) {
                System.out.println("(pillow not measured: " + out.lines().reduce((a, b) -> b).orElse("") + ")");
                return null;
            }
            String[] parts = out.split("\\s+");
            return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
        } catch (IOException noPython) {
            System.out.println("(pillow not measured: no /usr/bin/python3)");
            return null;
        }
    }
}
