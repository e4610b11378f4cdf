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
 * Milliseconds per source image for all three thumbnail sizes: this service's pipeline (decode once, subsampled,
 * bicubic, each size from the previous) against a naive one (decode anew for each size, Lanczos from full
 * resolution), cold (first call in a fresh JVM) and warm, with the peak heap used; and, where Debian's python3-pil
 * is installed, the reference's own Pillow pipeline on the same files.
 * <p>
 * Run: {@code ./dev bench thumbnailer [--iterations N] [FILE...]}. Without files it makes a 12 MP JPEG and a 6 MP PNG
 * from the committed test photo.
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
            files.add(Files.write(dir.resolve("photo-12mp.jpg"), TestPhotos.jpeg(TestPhotos.tiled(4000, 3000), 0.9f)));
            files.add(Files.write(dir.resolve("large-6mp.png"), TestPhotos.png(TestPhotos.tiled(3000, 2000))));
        }
        System.out.printf("JVM %s, %d cores, max heap %d MiB, %d iterations after %d warm-up%n",
                          Runtime.version(), Runtime.getRuntime().availableProcessors(),
                          Runtime.getRuntime().maxMemory() >> 20, iterations, iterations);
        System.out.printf("%-18s %-10s %10s %10s %10s %10s%n", "file", "pipeline", "cold ms", "warm p50", "warm mean",
                          "peak MiB");
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            Map<String, double[]> results = new LinkedHashMap<>();
            results.put("this", measure(file, bytes, iterations, false));
            results.put("naive", measure(file, bytes, iterations, true));
            results.forEach((name, r) -> System.out.printf("%-18s %-10s %10.0f %10.1f %10.1f %10.0f%n",
                                                           file.getFileName(), name, r[0], r[1], r[2], r[3]));
            double[] pillow = pillow(file, iterations);
            if (pillow != null) {
                System.out.printf("%-18s %-10s %10s %10.1f %10.1f %10s%n", file.getFileName(), "pillow", "-",
                                  pillow[0], pillow[1], "-");
            }
            System.out.printf("%-18s naive / this (warm p50): %.1fx%s%n", file.getFileName(),
                              results.get("naive")[1] / results.get("this")[1],
                              pillow == null ? "" : String.format(", pillow / this: %.2fx", pillow[0] / results.get("this")[1]));
        }
    }

    /** @return cold ms, warm median ms, warm mean ms, peak heap MiB */
    static double[] measure(Path file, byte[] bytes, int iterations, boolean naive) throws Exception {
        double cold = cold(file, naive);
        HeapSampler heap = new HeapSampler(2);
        for (int i = 0; i < iterations; i++) {
            render(bytes, naive);
        }
        System.gc();
        heap.reset();
        double[] times = new double[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            render(bytes, naive);
            times[i] = (System.nanoTime() - start) / 1e6;
        }
        heap.close();
        Arrays.sort(times);
        return new double[] {cold, times[iterations / 2], Arrays.stream(times).average().orElse(0), heap.peakMiB()};
    }

    static void render(byte[] bytes, boolean naive) throws Exception {
        if (naive) {
            naive(bytes);
        } else {
            ThumbnailPipeline pipeline = new ThumbnailPipeline(100_000_000, 100, new MemoryBudget(50_000_000), 0.85f);
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

    /** The first render in a fresh JVM, class loading and all. */
    static double cold(Path file, boolean naive) throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                           "-cp", System.getProperty("java.class.path"),
                                           ThumbnailBenchmark.class.getName(), "--cold", file + (naive ? "#naive" : ""))
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
        boolean naive = spec.endsWith("#naive");
        byte[] bytes = Files.readAllBytes(Path.of(naive ? spec.substring(0, spec.length() - 6) : spec));
        long start = System.nanoTime();
        render(bytes, naive);
        System.out.println((System.nanoTime() - start) / 1e6);
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
