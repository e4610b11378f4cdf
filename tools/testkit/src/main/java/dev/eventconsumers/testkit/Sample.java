package dev.eventconsumers.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A sample request from {@code cloudevents/samples/}: {@code NAME.headers} (one {@code Name: value} a line, as
 * {@code curl -H @file} reads it) and {@code NAME.json} or {@code NAME.pb} (the body, as {@code --data-binary @file}).
 *
 * @param name    sample name
 * @param headers the headers in file order
 * @param body    the body bytes
 */
public record Sample(String name, List<Map.Entry<String, String>> headers, byte[] body) {


    /**
     * @param name sample name, e.g. {@code storage-finalized}
     * @return the sample
     */
    public static Sample load(String name) {
        Path dir = directory();
        try {
            List<Map.Entry<String, String>> headers = new ArrayList<>();
            for (String line : Files.readAllLines(dir.resolve(name + ".headers"))) {
                if (line.isBlank()) {
                    continue;
                }
                int colon = line.indexOf(':');
                headers.add(Map.entry(line.substring(0, colon).trim(), line.substring(colon + 1).trim()));
            }
            Path body = Files.exists(dir.resolve(name + ".pb")) ? dir.resolve(name + ".pb") : dir.resolve(name + ".json");
            return new Sample(name, List.copyOf(headers), Files.readAllBytes(body));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read sample " + name + " in " + dir, e);
        }
    }

    /** @return {@code cloudevents/samples}, found from the module or the repository root */
    public static Path directory() {
        return RepositoryPath.find("cloudevents/samples");
    }

    /**
     * @param name header name (case-insensitive)
     * @return its value in this sample
     */
    public String header(String name) {
        return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(this.name + " has no header " + name));
    }

    /**
     * @param name  header name (case-insensitive)
     * @param value new value, or null to drop the header
     * @return a copy with the header replaced or dropped
     */
    public Sample withHeader(String name, String value) {
        List<Map.Entry<String, String>> copy = new ArrayList<>();
        boolean replaced = false;
        for (Map.Entry<String, String> h : headers) {
            if (h.getKey().equalsIgnoreCase(name)) {
                if (value != null && !replaced) {
                    copy.add(Map.entry(h.getKey(), value));
                }
                replaced = true;
            } else {
                copy.add(h);
            }
        }
        if (!replaced && value != null) {
            copy.add(Map.entry(name, value));
        }
        return new Sample(this.name, List.copyOf(copy), body);
    }

    /**
     * @param newBody body to send instead
     * @return a copy with another body
     */
    public Sample withBody(byte[] newBody) {
        return new Sample(name, headers, newBody);
    }

    /**
     * @param edit change to the body text
     * @return a copy whose body is the edited text
     */
    public Sample withBodyText(UnaryOperator<String> edit) {
        return withBody(edit.apply(new String(body, java.nio.charset.StandardCharsets.UTF_8))
                                .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /**
     * @param uri where the service listens
     * @return a POST of this sample, as curl would send it
     */
    public HttpRequest request(URI uri) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(h -> request.header(h.getKey(), h.getValue()));
        return request.build();
    }
}
