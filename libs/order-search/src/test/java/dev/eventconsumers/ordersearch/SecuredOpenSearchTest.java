package dev.eventconsumers.ordersearch;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.eventconsumers.testkit.LoopbackTls;
import dev.eventconsumers.testkit.OpenSearchServer;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A secured cluster as production has one: TLS with a certificate of a private CA, and HTTP Basic credentials. The
 * real OpenSearch of the tests runs without its security plugin, so a TLS endpoint on loopback (the JDK's HttpsServer
 * with a certificate made for this run, LoopbackTls) checks the credentials and passes every request on to it.
 */
class SecuredOpenSearchTest {
    static final String USER = "event-consumers";
    static final String PASSWORD = "s3cret:with-colon";
    static Path keys;
    static Path caPem;
    static HttpsServer proxy;
    static String url;

    @BeforeAll
    static void start() throws Exception {
        LoopbackTls tls = LoopbackTls.create();
        keys = Files.createTempDirectory("opensearch-tls");
        caPem = keys.resolve("ca.pem");
        Files.writeString(caPem, tls.pem());

        String backend = OpenSearchServer.shared().url();
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                                                                                .getBytes(StandardCharsets.UTF_8));
        HttpClient http = HttpClient.newHttpClient();
        proxy = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        proxy.setHttpsConfigurator(new HttpsConfigurator(tls.server()));
        proxy.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        proxy.createContext("/", exchange -> {
            try (exchange) {
                if (!expected.equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                    byte[] refusal = ("{\"error\":{\"root_cause\":[{\"type\":\"security_exception\",\"reason\":"
                            + "\"missing authentication credentials\"}],\"type\":\"security_exception\",\"reason\":"
                            + "\"missing authentication credentials\"},\"status\":401}").getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().add("Content-Type", "application/json");
                    exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"OpenSearch Security\"");
                    exchange.sendResponseHeaders(401, "HEAD".equals(exchange.getRequestMethod()) ? -1 : refusal.length);
                    if (!"HEAD".equals(exchange.getRequestMethod())) {
                        exchange.getResponseBody().write(refusal);
                    }
                    return;
                }
                forward(http, backend, exchange);
            }
        });
        proxy.start();
        url = "https://127.0.0.1:" + proxy.getAddress().getPort();
    }

    static void forward(HttpClient http, String backend, HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(backend + exchange.getRequestURI()))
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        Optional.ofNullable(exchange.getRequestHeaders().getFirst("Content-Type"))
                .ifPresent(type -> request.header("Content-Type", type));
        HttpResponse<byte[]> answer;
        try {
            answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        answer.headers().firstValue("Content-Type").ifPresent(t -> exchange.getResponseHeaders().add("Content-Type", t));
        boolean empty = "HEAD".equals(exchange.getRequestMethod()) || answer.body().length == 0;
        exchange.sendResponseHeaders(answer.statusCode(), empty ? -1 : answer.body().length);
        if (!empty) {
            exchange.getResponseBody().write(answer.body());
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (proxy != null) {
            proxy.stop(0);
        }
        try (var files = Files.walk(keys)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    static OpenSearchIndex index(Optional<String> user, Optional<String> password, Optional<Path> ca) {
        return new OpenSearchIndex(new OpenSearchConnection(url, user, password, ca).client(), "orders-secured");
    }

    @Test
    void writesAndSearchesOverTlsWithCredentials() throws Exception {
        OpenSearchIndex index = index(Optional.of(USER), Optional.of(PASSWORD), Optional.of(caPem));
        assertEquals(SearchIndex.Written.WRITTEN, index.write("ORD-TLS-1", 1, Map.of(
                "orderId", "ORD-TLS-1", "customerId", "cust-1", "items", List.of("secure quill"),
                "createdAt", Instant.parse("2026-11-30T10:00:00Z").toString(), "deleted", false)));
        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(OpenSearchServer.shared().url()
                + "/orders-secured/_refresh")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                                        HttpResponse.BodyHandlers.discarding());
        OrderSearch.Page page = index.search(new OrderQuery(Optional.of("quill"), Optional.empty(), Optional.empty(),
                                                            0, 10));
        assertEquals(List.of("ORD-TLS-1"), page.orders().stream().map(o -> o.get("orderId")).toList());
    }

    @Test
    void aRefusedPasswordIsAnOutageNotARejectedDocument() {
        // Retried (503) until an operator fixes the secret: the event itself is fine and must not be dead-lettered.
        OpenSearchIndex index = index(Optional.of(USER), Optional.of("wrong"), Optional.of(caPem));
        SearchIndex.SearchUnavailableException e = assertThrows(SearchIndex.SearchUnavailableException.class, () -> index.write(
                "ORD-TLS-2", 1, Map.of("orderId", "ORD-TLS-2", "deleted", false)));
        assertTrue(e.getMessage().matches("(?s).*(401|Unauthorized).*"), e.getMessage());
    }

    @Test
    void aCertificateNoTrustedCaSignedIsRefused() {
        OpenSearchIndex index = index(Optional.of(USER), Optional.of(PASSWORD), Optional.empty());
        assertThrows(SearchIndex.SearchUnavailableException.class, () -> index.write(
                "ORD-TLS-3", 1, Map.of("orderId", "ORD-TLS-3", "deleted", false)));
    }

    static Config opensearch(Path ca) {
        return Config.just(ConfigSources.create(Map.of("url", url, "index", "orders-secured", "username", USER,
                                                       "password", PASSWORD, "ca-file", ca.toString())));
    }

    @Test
    void anIndexWhoseClientIsBuiltInBackgroundReadsTheCaFileAtOnce() throws Exception {
        // The client is built while the service starts; a bad CA file must still stop it from starting.
        OpenSearchIndex index = OpenSearchIndex.fromConfigInBackground(opensearch(caPem));
        assertEquals(SearchIndex.Written.WRITTEN, index.write("ORD-TLS-4", 1, Map.of("orderId", "ORD-TLS-4",
                                                                                      "deleted", false)));
        Path notACertificate = Files.writeString(keys.resolve("not-a-ca.pem"), "-----BEGIN CERTIFICATE-----\nxx\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                                                  () -> OpenSearchIndex.fromConfigInBackground(opensearch(notACertificate)));
        assertTrue(e.getMessage().contains("ca-file"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                     () -> OpenSearchIndex.fromConfigInBackground(opensearch(keys.resolve("missing.pem"))));
    }

    @Test
    void aClientBuiltInBackgroundIsOneClient() throws Exception {
        var client = new OpenSearchConnection(url, Optional.of(USER), Optional.of(PASSWORD), Optional.of(caPem))
                .clientInBackground();
        try (var pool = Executors.newFixedThreadPool(8)) {
            var clients = pool.invokeAll(java.util.Collections.nCopies(8, client::get));
            for (var each : clients) {
                assertSame(clients.getFirst().get(), each.get());
            }
        }
    }

    @Test
    void passwordsTravelOverTlsOnly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new OpenSearchConnection(
                "http://opensearch.example.internal:9200", Optional.of(USER), Optional.of(PASSWORD), Optional.empty()));
        assertTrue(e.getMessage().contains("https"), e.getMessage());
        new OpenSearchConnection("http://localhost:9200", Optional.of(USER), Optional.of(PASSWORD), Optional.empty());
        assertThrows(IllegalArgumentException.class, () -> new OpenSearchConnection(
                "https://opensearch.example", Optional.of(USER), Optional.empty(), Optional.empty()));
    }
}
