package dev.eventconsumers.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The hostile-input corpus ({@code tools/testkit/hostile/CLASS/NAME.http}), one folder per class of defect, each file one
 * request as an attacker or a careless producer sends it: a comment line, the request line, headers, a blank line, the
 * body's raw bytes (invalid UTF-8 and byte order marks included). {@code {{token}}} and {@code {{order}}} are filled in
 * by the caller. {@link #replay} sends every request to a service's real server and checks what holds for all of them:
 * never a 5xx (each is a permanent defect or harmless), a problem+json body on every 4xx, and an answer within
 * {@link #BOUND}.
 */
public final class HostileCorpus {
    /** The longest any answer may take: a hostile request must not buy seconds of CPU. */
    public static final Duration BOUND = Duration.ofSeconds(5);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param name    {@code CLASS/NAME}
     * @param method  HTTP method
     * @param path    path and query
     * @param headers headers in file order (a name may repeat)
     * @param body    the raw body
     */
    public record Request(String name, String method, String path, List<Map.Entry<String, String>> headers,
                          byte[] body) {
        /** @return whether it goes to the event endpoint every service has */
        public boolean isEvent() {
            return path.equals("/");
        }
    }

    private HostileCorpus() {
    }

    /** @return every request of the corpus, by name */
    public static List<Request> load() {
        Path root = directory();
        try (Stream<Path> files = Files.walk(root)) {
            List<Request> requests = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".http")).sorted().toList()) {
                String name = root.relativize(file).toString().replace(".http", "");
                requests.add(parse(name, Files.readAllBytes(file)));
            }
            return requests;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Request parse(String name, byte[] file) {
        int split = indexOf(file, "\n\n".getBytes(StandardCharsets.US_ASCII));
        String head = new String(file, 0, split, StandardCharsets.UTF_8);
        byte[] body = java.util.Arrays.copyOfRange(file, split + 2, file.length);
        List<String> lines = head.lines().filter(l -> !l.startsWith("#")).toList();
        String[] requestLine = lines.getFirst().split(" ", 2);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            int colon = line.indexOf(':');
            headers.add(new AbstractMap.SimpleEntry<>(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
        }
        return new Request(name, requestLine[0], requestLine[1], List.copyOf(headers), body);
    }

    private static int indexOf(byte[] data, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= data.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (data[i + j] != part[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalArgumentException("a request file needs a blank line before its body");
    }

    /** @return {@code tools/testkit/hostile}, found from any module or the repository root */
    public static Path directory() {
        return RepositoryPath.find("tools/testkit/hostile");
    }

    /**
     * @param base         the service's address
     * @param applies      which requests this service takes (the event ones go to every service)
     * @param placeholders values for {@code {{token}}}, {@code {{order}}}
     * @return what went wrong, one line per request; empty when the service held against all of them
     */
    public static List<String> replay(URI base, Predicate<Request> applies, Map<String, String> placeholders) {
        List<String> failures = new ArrayList<>();
        for (Request request : load()) {
            if (!applies.test(request)) {
                continue;
            }
            String path = fill(request.path(), placeholders);
            HttpRequest.Builder http = HttpRequest.newBuilder(base.resolve(path)).timeout(BOUND.multipliedBy(2))
                    .method(request.method(), request.body().length == 0 ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofByteArray(request.body()));
            request.headers().forEach(h -> http.header(h.getKey(), fill(h.getValue(), placeholders)));
            long began = System.nanoTime();
            HttpResponse<String> answer;
            try {
                answer = HTTP.send(http.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                failures.add(request.name() + ": no answer: " + e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - began);
            int status = answer.statusCode();
            String type = answer.headers().firstValue("Content-Type").orElse("");
            if (status >= 500) {
                failures.add(request.name() + ": " + status + " " + answer.body());
            } else if (status >= 400 && !type.startsWith("application/problem+json")) {
                failures.add(request.name() + ": " + status + " without problem+json (" + type + "): " + answer.body());
            }
            if (took.compareTo(BOUND) > 0) {
                failures.add(request.name() + ": took " + took.toMillis() + " ms");
            }
        }
        return failures;
    }

    private static String fill(String text, Map<String, String> placeholders) {
        String filled = text;
        for (Map.Entry<String, String> p : placeholders.entrySet()) {
            filled = filled.replace("{{" + p.getKey() + "}}", p.getValue());
        }
        return filled;
    }
}
