package dev.eventconsumers.dailyreport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Headless Chromium for tests: the page as the browser rendered it (its DOM) and a screenshot. */
final class Chromium {
    static final int WIDTH = 1000;
    static final int HEIGHT = 1400;

    private Chromium() {
    }

    record Rendered(String dom, Path screenshot) {
    }

    static Optional<Path> find() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
                Path candidate = Path.of(dir, name);
                if (Files.isExecutable(candidate)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    static Rendered render(Path chromium, Path html, Path png) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile");
        List<String> common = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox",
                                                      "--disable-gpu", "--disable-dev-shm-usage",
                                                      "--hide-scrollbars", "--user-data-dir=" + profile,
                                                      "--window-size=" + WIDTH + "," + HEIGHT));
        List<String> dump = new ArrayList<>(common);
        dump.addAll(List.of("--dump-dom", html.toUri().toString()));
        String dom = run(dump, html.resolveSibling("dump.log"));
        List<String> shot = new ArrayList<>(common);
        shot.addAll(List.of("--screenshot=" + png, html.toUri().toString()));
        run(shot, html.resolveSibling("screenshot.log"));
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("Chromium wrote no screenshot: " + Files.readString(html.resolveSibling("screenshot.log")));
        }
        return new Rendered(dom, png);
    }

    private static String run(List<String> command, Path log) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectError(log.toFile()).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Chromium did not finish in 120 s");
        }
        if (process.exitValue() != 0) {
            throw new AssertionError("Chromium exited " + process.exitValue() + ": " + Files.readString(log));
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    /** @return the bars of the rendered SVG chart with that id */
    static int bars(String dom, String chartId) {
        Matcher svg = Pattern.compile("<svg[^>]*id=\"" + chartId + "\".*?</svg>", Pattern.DOTALL).matcher(dom);
        if (!svg.find()) {
            throw new AssertionError("no chart " + chartId + " in the rendered page");
        }
        Matcher bar = Pattern.compile("<rect class=\"bar\"").matcher(svg.group());
        int count = 0;
        while (bar.find()) {
            count++;
        }
        return count;
    }
}
