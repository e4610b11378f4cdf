package dev.eventconsumers.localrun;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.eventconsumers.cloudevents.EventRequestReader;
import dev.eventconsumers.cloudevents.InvalidEventException;
import dev.eventconsumers.problem.Problem;

/**
 * The graph's own HTTP port, on loopback:
 * <ul>
 *   <li>{@code POST /}: the broker's ingress, a CloudEvent in binary or structured mode (202 once routed);</li>
 *   <li>{@code POST /pingsources/NAME}: fire a PingSource now (a body, if any, replaces its data);</li>
 *   <li>{@code GET /services}, {@code POST /services/NAME/stop}, {@code POST /services/NAME/start};</li>
 *   <li>{@code GET /deliveries}: the latest deliveries as JSON.</li>
 * </ul>
 * Bad requests are answered with {@code application/problem+json}.
 */
final class ControlServer {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer server;
    private final Broker broker;
    private final PingScheduler pings;
    private final Manifests manifests;
    private final Map<String, ServiceProcess> services;
    private final DeliveryLog log;

    ControlServer(int port, Broker broker, PingScheduler pings, Manifests manifests,
                  Map<String, ServiceProcess> services, DeliveryLog log) throws IOException {
        this.broker = broker;
        this.pings = pings;
        this.manifests = manifests;
        this.services = services;
        this.log = log;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
    }

    int port() {
        return server.getAddress().getPort();
    }

    void start() {
        server.start();
    }

    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getPath();
            String[] parts = path.replaceAll("^/+|/+$", "").split("/");
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (path.equals("/") && method.equals("POST")) {
                ingress(exchange, body);
            } else if (parts.length == 2 && parts[0].equals("pingsources") && method.equals("POST")) {
                var source = manifests.pingSource(parts[1]);
                if (source.isEmpty()) {
                    problem(exchange, 404, "No such PingSource", "k8s/ declares no PingSource " + parts[1] + "; it has "
                            + manifests.pingSources().stream().map(Manifests.PingSource::name).toList());
                    return;
                }
                Event fired = pings.fire(source.get(), body.length > 0 ? new String(body, StandardCharsets.UTF_8)
                        : null);
                json(exchange, 202, MAPPER.createObjectNode().put("id", fired.id()).put("source",
                                                                                        fired.attribute("source")));
            } else if (parts.length == 1 && parts[0].equals("services") && method.equals("GET")) {
                ArrayNode list = MAPPER.createArrayNode();
                services.values().forEach(s -> {
                    ObjectNode node = list.addObject().put("name", s.name()).put("url", s.url().toString())
                            .put("log", s.log().toString());
                    s.pid().ifPresentOrElse(pid -> node.put("pid", pid).put("running", true),
                                            () -> node.put("running", false));
                });
                json(exchange, 200, list);
            } else if (parts.length == 3 && parts[0].equals("services") && method.equals("POST")
                    && List.of("start", "stop").contains(parts[2])) {
                ServiceProcess service = services.get(parts[1]);
                if (service == null) {
                    problem(exchange, 404, "No such service", "the graph runs " + services.keySet());
                    return;
                }
                if (parts[2].equals("stop")) {
                    service.stop();
                    log.note(service.name() + " stopped");
                } else {
                    try {
                        service.start(Duration.ofSeconds(60));
                        log.note(service.name() + " started on " + service.url());
                    } catch (RuntimeException e) {
                        problem(exchange, 503, "Service did not start", e.getMessage());
                        return;
                    }
                }
                json(exchange, 200, MAPPER.createObjectNode().put("name", service.name())
                        .put("running", service.pid().isPresent()));
            } else if (parts.length == 1 && parts[0].equals("deliveries") && method.equals("GET")) {
                json(exchange, 200, log.json(MAPPER));
            } else {
                problem(exchange, 404, "Not found", method + " " + path + " is not one of POST /, POST /pingsources/NAME, "
                        + "GET /services, POST /services/NAME/start|stop, GET /deliveries");
            }
        } catch (RuntimeException e) {
            problem(exchange, 500, "Internal error", e.toString());
        }
    }

    /**
     * The broker's ingress: whatever the binding reads as CloudEvents (binary, structured, a batch, a Pub/Sub push or
     * a Cloud Scheduler call), all routed, or a 400 problem naming what is wrong and nothing routed.
     */
    private void ingress(HttpExchange exchange, byte[] body) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers
                .computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).addAll(values));
        List<Event> events = new ArrayList<>();
        try {
            switch (EventRequestReader.read(headers, body)) {
                case EventRequestReader.Single single -> events.add(Event.of(single.event()));
                case EventRequestReader.Batch batch -> {
                    for (EventRequestReader.BatchItem item : batch.items()) {
                        if (item.invalid().isPresent()) {
                            throw item.invalid().get();
                        }
                        events.add(Event.of(item.event().orElseThrow()));
                    }
                }
            }
        } catch (InvalidEventException e) {
            Problem problem = e.toProblem();
            send(exchange, problem.status(), Problem.MEDIA_TYPE, problem.toJson());
            return;
        }
        ArrayNode routed = MAPPER.createArrayNode();
        for (Event event : events) {
            routed.addObject().put("id", event.id()).put("triggers", broker.routes(event));
            broker.publish(event);
        }
        json(exchange, 202, events.size() == 1 ? routed.get(0) : routed);
    }

    private static void json(HttpExchange exchange, int status, JsonNode body) throws IOException {
        send(exchange, status, "application/json", MAPPER.writeValueAsBytes(body));
    }

    private static void problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        String slug = title.toLowerCase(Locale.ROOT).replace(' ', '-');
        send(exchange, status, Problem.MEDIA_TYPE, Problem.of(slug, title, status, detail).toJson());
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
