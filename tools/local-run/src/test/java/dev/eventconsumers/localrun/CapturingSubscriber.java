package dev.eventconsumers.localrun;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Executors;

import com.sun.net.httpserver.HttpServer;

/**
 * A subscriber on loopback that keeps every CloudEvent delivered to it (ce- headers, content type, body) and answers
 * with the statuses it is told, then 204. With a {@link Broker} routing everything to it, it shows exactly what the
 * graph's sources send.
 */
final class CapturingSubscriber implements AutoCloseable {
    record Received(Map<String, String> attributes, String contentType, byte[] body) {
    }

    private final HttpServer server;
    private final List<Received> received = new ArrayList<>();
    private final Deque<Integer> statuses = new ConcurrentLinkedDeque<>();

    CapturingSubscriber() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange; InputStream in = exchange.getRequestBody()) {
                Map<String, String> attributes = new TreeMap<>();
                exchange.getRequestHeaders().forEach((name, values) -> {
                    if (name.toLowerCase(Locale.ROOT).startsWith("ce-")) {
                        attributes.put(name.toLowerCase(Locale.ROOT).substring(3), values.getFirst());
                    }
                });
                synchronized (received) {
                    received.add(new Received(attributes, exchange.getRequestHeaders().getFirst("Content-Type"),
                                              in.readAllBytes()));
                    received.notifyAll();
                }
                Integer status = statuses.pollFirst();
                exchange.sendResponseHeaders(status != null ? status : 204, -1);
            }
        });
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    /** Answers the next deliveries with these statuses, in order. */
    void answer(Integer... next) {
        statuses.addAll(List.of(next));
    }

    /** @return a broker that sends every event to this subscriber (Trigger "all", the given retries, no sink) */
    Broker broker(int retry, DeliveryLog log) {
        Manifests.Delivery delivery = new Manifests.Delivery(retry, "linear", Duration.ofMillis(10), Optional.empty());
        Manifests manifests = new Manifests(delivery, List.of(new Manifests.Trigger("all", List.of(), "capture", "/",
                                                                                     delivery)),
                                            List.of(), Map.of(), List.of());
        return new Broker(manifests, name -> Optional.of(url()), 1, log);
    }

    /** Waits (10 s at most) until {@code count} events have arrived. */
    List<Received> await(int count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        synchronized (received) {
            while (received.size() < count) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new AssertionError("expected " + count + " events, got " + received.size() + ": "
                                                     + received.stream().map(Received::attributes).toList());
                }
                received.wait(left);
            }
            return new ArrayList<>(received);
        }
    }

    List<Received> received() {
        synchronized (received) {
            return new ArrayList<>(received);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
