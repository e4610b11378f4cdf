package dev.eventconsumers.ordersearch;

import com.sun.net.httpserver.HttpServer;
import dev.eventconsumers.testkit.OpenSearchServer;
import dev.eventconsumers.testkit.TcpProxy;
import org.junit.jupiter.api.Test;
import org.opensearch.client.opensearch.OpenSearchAsyncClient;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.OpenSearchException;
import org.opensearch.client.transport.TransportException;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's transport on the JDK's HTTP client, against a real OpenSearch (and, for what OpenSearch never answers,
 * a loopback HTTP server standing in for a proxy in front of it): each outcome a single write or a read can have.
 */
class JdkHttpTransportTest {
    static final OpenSearchServer SERVER = OpenSearchServer.shared();

    static Map<String, Object> order(String id) {
        return Map.of("orderId", id, "customerId", "cust-1", "totalCents", 100L, "deleted", false);
    }

    @Test
    void aSingleWriteIsWrittenStaleOrRejected() {
        OpenSearchIndex index = new OpenSearchIndex(OpenSearchIndex.client(SERVER.url()), "transport-single");
        assertEquals(SearchIndex.Written.WRITTEN, index.write("ORD-T-1", 5, order("ORD-T-1")));
        assertEquals(SearchIndex.Written.STALE, index.write("ORD-T-1", 5, order("ORD-T-1")), "an equal version");
        assertEquals(SearchIndex.Written.STALE, index.write("ORD-T-1", 4, order("ORD-T-1")), "an older version");
        assertEquals(SearchIndex.Written.WRITTEN, index.write("ORD-T-1", 6, order("ORD-T-1")));
        SearchIndex.DocumentRejectedException rejected = assertThrows(
                SearchIndex.DocumentRejectedException.class,
                () -> index.write("ORD-T-BAD", 1, Map.of("orderId", "ORD-T-BAD", "totalCents", "lots")));
        assertTrue(rejected.getMessage().contains("mapper_parsing_exception"), rejected.getMessage());
    }

    @Test
    void awkwardIdsRoundTripAndAMissingIndexIsA404() throws Exception {
        OpenSearchClient client = OpenSearchIndex.client(SERVER.url());
        String id = "ORD/ä ö+&?#1";
        assertEquals(SearchIndex.Written.WRITTEN, new OpenSearchIndex(client, "transport-ids").write(id, 1, order(id)));
        @SuppressWarnings("rawtypes")
        var got = client.get(g -> g.index("transport-ids").id(id), Map.class);
        assertTrue(got.found());
        assertEquals(id, got.id());
        assertEquals(id, got.source().get("orderId"));
        assertTrue(client.indices().exists(e -> e.index("transport-ids")).value());
        assertFalse(client.indices().exists(e -> e.index("transport-none")).value());
        OpenSearchException missing = assertThrows(OpenSearchException.class,
                                                   () -> client.get(g -> g.index("transport-none").id("x"), Map.class));
        assertEquals(404, missing.status());
        assertEquals("index_not_found_exception", missing.error().type());
    }

    @Test
    void anUnreachableNodeIsAnOutage() throws Exception {
        String backend = URI.create(SERVER.url()).getAuthority();
        try (TcpProxy proxy = new TcpProxy(backend)) {
            OpenSearchIndex index = new OpenSearchIndex(OpenSearchIndex.client("http://" + proxy.host()),
                                                        "transport-outage");
            assertEquals(SearchIndex.Written.WRITTEN, index.write("ORD-T-2", 1, order("ORD-T-2")));
            proxy.cut();
            assertThrows(SearchIndex.SearchUnavailableException.class,
                         () -> index.write("ORD-T-2", 2, order("ORD-T-2")));
            proxy.restore();
            assertEquals(SearchIndex.Written.WRITTEN, index.write("ORD-T-2", 2, order("ORD-T-2")));
        }
    }

    @Test
    void anErrorPageThatIsNotOpenSearchsIsAnOutageWithItsStatus() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer proxy = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        proxy.createContext("/", exchange -> {
            seen.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getRawPath() + " "
                             + exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.getRequestBody().readAllBytes();
            byte[] page = "<html>502 Bad Gateway</html>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/html");
            exchange.sendResponseHeaders(502, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        });
        proxy.start();
        try {
            String url = "http://127.0.0.1:" + proxy.getAddress().getPort();
            OpenSearchClient client = new OpenSearchConnection(url, Optional.of("indexer"), Optional.of("s3cret"),
                                                               Optional.empty()).client();
            TransportException failed = assertThrows(TransportException.class,
                                                     () -> client.get(g -> g.index("orders").id("ORD-1"), Map.class));
            assertTrue(failed.getMessage().contains("GET /orders/_doc/ORD-1"), failed.getMessage());
            assertTrue(failed.getMessage().contains("502"), failed.getMessage());
            assertEquals(List.of("GET /orders/_doc/ORD-1 Basic aW5kZXhlcjpzM2NyZXQ="), seen);

            OpenSearchIndex index = new OpenSearchIndex(client, "orders");
            assertThrows(SearchIndex.SearchUnavailableException.class, () -> index.write("ORD-1", 1, order("ORD-1")));
        } finally {
            proxy.stop(0);
        }
    }

    @Test
    void atMostABoundOfRequestsAreInFlightAndTheRestWaitTheirTurn() throws Exception {
        AtomicInteger now = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch full = new CountDownLatch(JdkHttpTransport.MAX_IN_FLIGHT);
        HttpServer node = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        node.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        node.createContext("/", exchange -> {
            most.accumulateAndGet(now.incrementAndGet(), Math::max);
            full.countDown();
            try {
                // Hold every request until the bound is in, so one more would be seen if it were sent.
                full.await(5, TimeUnit.SECONDS);
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            now.decrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        node.start();
        try {
            OpenSearchClient client = OpenSearchConnection.plain("http://127.0.0.1:" + node.getAddress().getPort())
                    .client();
            List<Future<Boolean>> answers = new ArrayList<>();
            try (ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < JdkHttpTransport.MAX_IN_FLIGHT + 15; i++) {
                    answers.add(callers.submit(() -> client.indices().exists(e -> e.index("orders")).value()));
                }
            }
            for (Future<Boolean> answer : answers) {
                assertTrue(answer.get());
            }
            assertEquals(JdkHttpTransport.MAX_IN_FLIGHT, most.get());
        } finally {
            node.stop(0);
        }
    }

    @Test
    void theAsyncClientGetsTheSameAnswers() throws Exception {
        OpenSearchClient client = OpenSearchIndex.client(SERVER.url());
        assertEquals(SearchIndex.Written.WRITTEN,
                     new OpenSearchIndex(client, "transport-async").write("ORD-A-1", 1, order("ORD-A-1")));
        OpenSearchAsyncClient async = new OpenSearchAsyncClient(client._transport());
        @SuppressWarnings("rawtypes")
        var got = async.get(g -> g.index("transport-async").id("ORD-A-1"), Map.class).get(10, TimeUnit.SECONDS);
        assertEquals("ORD-A-1", got.source().get("orderId"));
        ExecutionException missing = assertThrows(ExecutionException.class, () -> async.get(
                g -> g.index("transport-none").id("x"), Map.class).get(10, TimeUnit.SECONDS));
        assertEquals(404, assertInstanceOf(OpenSearchException.class, missing.getCause()).status());
    }
}
