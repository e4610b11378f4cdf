package dev.eventconsumers.localrun;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import dev.eventconsumers.cloudevents.EventRequestReader;
import dev.eventconsumers.cloudevents.InvalidEventException;

/**
 * A Knative broker on one machine: every event published here goes to each Trigger whose filters match, in binary
 * content mode, with the Trigger's delivery spec (retries with their backoff on a network error or a 404, 408, 409,
 * 429 or 5xx answer; none on any other answer), then to its dead-letter sink with Knative's {@code knativeerror*}
 * extensions. A reply event (a 2xx answer carrying {@code ce-type}) is published to the broker again.
 */
final class Broker {
    private static final int DEAD_LETTER_ATTEMPTS = 3;
    private static final int ERROR_DATA_LIMIT = 1024;

    private final Manifests manifests;
    private final Function<String, Optional<URI>> services;
    private final double backoffScale;
    private final DeliveryLog log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2))
            .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    private final ExecutorService deliveries = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * @param manifests    the Triggers and their delivery specs
     * @param services     a Knative Service's name to its local base URL
     * @param backoffScale factor on every backoff delay (1 as the spec says; tests shorten them)
     * @param log          where each attempt is written
     */
    Broker(Manifests manifests, Function<String, Optional<URI>> services, double backoffScale, DeliveryLog log) {
        this.manifests = manifests;
        this.services = services;
        this.backoffScale = backoffScale;
        this.log = log;
    }

    /**
     * Delivers an event to every matching Trigger, each on its own virtual thread.
     *
     * @return completes with {@code true} when every matching Trigger's subscriber or dead-letter sink took the event
     *         (also when none matched), with {@code false} when one of them lost it
     */
    CompletableFuture<Boolean> publish(Event event) {
        Event arrived = event.with(Map.of("knativearrivaltime", Instant.now().toString()));
        List<CompletableFuture<Boolean>> all = new ArrayList<>();
        for (Manifests.Trigger trigger : manifests.triggers()) {
            if (trigger.matches(event)) {
                all.add(CompletableFuture.supplyAsync(() -> deliver(trigger, arrived), deliveries));
            }
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
                .thenApply(done -> all.stream().allMatch(CompletableFuture::join));
    }

    /** @return how many Triggers an event matches */
    long routes(Event event) {
        return manifests.triggers().stream().filter(t -> t.matches(event)).count();
    }

    private boolean deliver(Manifests.Trigger trigger, Event event) {
        Manifests.Delivery spec = trigger.delivery();
        int attempts = spec.retry() + 1;
        Outcome last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1 && !sleep(spec.backoff(attempt - 1))) {
                return false;
            }
            last = send(trigger, trigger.service(), trigger.path(), event, attempt, attempts, false);
            if (last.succeeded()) {
                return true;
            }
            if (!last.retryable()) {
                break;
            }
        }
        if (spec.deadLetterService().isEmpty()) {
            log.note("event " + event.id() + " for " + trigger.service() + " is dropped: no dead-letter sink");
            return false;
        }
        Map<String, String> error = new LinkedHashMap<>();
        error.put("knativeerrordest", services.apply(trigger.service()).map(URI::toString).orElse(trigger.service())
                + trigger.path().substring(1));
        if (last.status() > 0) {
            error.put("knativeerrorcode", Integer.toString(last.status()));
        }
        if (!last.body().isEmpty()) {
            byte[] body = last.body().getBytes(StandardCharsets.UTF_8);
            byte[] cut = body.length > ERROR_DATA_LIMIT ? java.util.Arrays.copyOf(body, ERROR_DATA_LIMIT) : body;
            error.put("knativeerrordata", Base64.getEncoder().encodeToString(cut));
        }
        Event deadLetter = event.with(error);
        for (int attempt = 1; attempt <= DEAD_LETTER_ATTEMPTS; attempt++) {
            if (attempt > 1 && !sleep(Duration.ofSeconds(1))) {
                return false;
            }
            if (send(trigger, spec.deadLetterService().get(), "/", deadLetter, attempt, DEAD_LETTER_ATTEMPTS, true)
                    .succeeded()) {
                return true;
            }
        }
        log.note("event " + event.id() + " for " + trigger.service() + " is lost: its dead-letter sink "
                         + spec.deadLetterService().get() + " did not take it");
        return false;
    }

    /** @param body the answer's body, or why there was no answer */
    private record Outcome(int status, String body) {
        boolean succeeded() {
            return status >= 200 && status < 300;
        }

        /** Knative retries a network error and 404, 408, 409, 429 and 5xx answers. */
        boolean retryable() {
            return status == 0 || status == 404 || status == 408 || status == 409 || status == 429 || status >= 500;
        }
    }

    private Outcome send(Manifests.Trigger trigger, String service, String path, Event event, int attempt,
                         int maxAttempts, boolean deadLetter) {
        Instant start = Instant.now();
        long t0 = System.nanoTime();
        int status = 0;
        String error = "";
        String body = "";
        HttpResponse<byte[]> response = null;
        Optional<URI> base = services.apply(service);
        if (base.isEmpty()) {
            error = "no-service";
        } else {
            HttpRequest.Builder request = HttpRequest.newBuilder(base.get().resolve(path))
                    .timeout(Duration.ofMinutes(10))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(event.data()));
            event.attributes().forEach((name, value) -> request.header("ce-" + name, headerValue(value)));
            if (event.contentType() != null) {
                request.header("Content-Type", event.contentType());
            }
            try {
                response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
                status = response.statusCode();
                body = new String(response.body(), StandardCharsets.UTF_8);
            } catch (HttpTimeoutException e) {
                error = "timeout";
            } catch (IOException e) {
                error = e instanceof java.net.ConnectException ? "refused" : "io-error";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted";
            }
        }
        log.record(new DeliveryLog.Delivery(start, event.id(), event.type(), event.subjectOrSource(), trigger.name(),
                                            service, status, error, (System.nanoTime() - t0) / 1_000_000, attempt,
                                            maxAttempts, deadLetter));
        if (response != null && status >= 200 && status < 300 && !deadLetter) {
            reply(response).ifPresent(this::publish);
        }
        return new Outcome(status, status > 0 ? body : "no answer: " + error);
    }

    /** A Knative reply: the answer is itself a CloudEvent (binary or structured), read by the binding. */
    private static Optional<Event> reply(HttpResponse<byte[]> response) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        response.headers().map().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        boolean event = headers.containsKey("ce-type") || headers.getOrDefault("content-type", List.of()).stream()
                .anyMatch(type -> type.toLowerCase(Locale.ROOT).startsWith("application/cloudevents+json"));
        if (!event) {
            return Optional.empty();
        }
        try {
            return EventRequestReader.read(headers, response.body()) instanceof EventRequestReader.Single single
                    ? Optional.of(Event.of(single.event())) : Optional.empty();
        } catch (InvalidEventException notAnEvent) {
            return Optional.empty();
        }
    }

    /** The CloudEvents HTTP binding: percent-encode what is not printable ASCII, and '%' and '"'. */
    static String headerValue(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x21 && c != ' ' || c > 0x7e || c == '%' || c == '"') {
                out.append('%').append(String.format("%02X", c));
            } else {
                out.append((char) c);
            }
        }
        return out.toString();
    }

    private boolean sleep(Duration delay) {
        try {
            Thread.sleep((long) (delay.toMillis() * backoffScale));
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void close() {
        deliveries.shutdownNow();
    }
}
