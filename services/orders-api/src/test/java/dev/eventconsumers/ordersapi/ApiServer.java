package dev.eventconsumers.ordersapi;

import dev.eventconsumers.ordersearch.OpenSearchIndex;
import dev.eventconsumers.ordersearch.OrderSearch;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.cloud.firestore.Firestore;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.eventconsumers.testkit.FirestoreEmulator;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.testkit.PubSubEmulator;
import dev.eventconsumers.testkit.TcpProxy;
import dev.eventconsumers.runtime.ServiceServer;
import dev.eventconsumers.testkit.TestConfig;
import io.helidon.config.Config;
import io.helidon.webserver.WebServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The API as it runs, for tests: a real server on loopback with the production wiring, Google's Firestore and Pub/Sub
 * emulators behind {@link TcpProxy}s (so a test can take either away), and a JWKS endpoint on loopback whose RSA keys
 * the test makes and rotates. Tokens are signed with those keys by nimbus.
 */
final class ApiServer implements AutoCloseable {
    static final String ISSUER = "https://securetoken.google.com/demo-orders";
    static final String AUDIENCE = "demo-orders";
    static final String TOPIC = "order-actions";
    /** Short for the tests (30 s in application.yaml). */
    static final Duration JWKS_MIN_REFETCH = Duration.ofMillis(200);

    final FirestoreEmulator firestoreEmulator = FirestoreEmulator.shared();
    final PubSubEmulator pubsub = PubSubEmulator.shared();
    final TcpProxy firestoreProxy = new TcpProxy(firestoreEmulator.host());
    final TcpProxy pubsubProxy = new TcpProxy(pubsub.host());
    final AtomicReference<JWKSet> published = new AtomicReference<>();
    /** A direct client, not through the proxy, for checking. */
    final Firestore firestore;
    final RSAKey key;
    private final WebServer jwksServer;
    private final OrdersApiService service;
    private final WebServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ApiServer() {
        // No OpenSearch: search answers 503 (OrdersSearchTest gives a real one).
        this("http://127.0.0.1:9");
    }

    /** @param openSearch the OpenSearch the search route reads */
    ApiServer(String openSearch) {
        firestoreEmulator.reset();
        pubsub.topicWithSubscription(TOPIC);
        try {
            key = new RSAKeyGenerator(2048).keyID("key-1").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        published.set(new JWKSet(key.toPublicJWK()));
        jwksServer = ServiceServer.start(TestConfig.of(Map.of()), routing -> routing.get("/jwks.json", (req, res) ->
                res.header("Content-Type", "application/json").send(published.get().toString())));
        firestore = FirestoreOrderStore.emulatorClient(FirestoreEmulator.PROJECT, firestoreEmulator.host());
        Config config = TestConfig.of(Map.ofEntries(
                Map.entry("gcp.project", FirestoreEmulator.PROJECT),
                Map.entry("firestore.emulator.host", firestoreProxy.host()), Map.entry("firestore.timeout", "PT2S"),
                Map.entry("pubsub.emulator.host", pubsubProxy.host()), Map.entry("pubsub.timeout", "PT2S"),
                Map.entry("outbox.topic", TOPIC),
                Map.entry("auth.jwks-url", "http://127.0.0.1:" + jwksServer.port() + "/jwks.json"),
                Map.entry("auth.issuer", ISSUER), Map.entry("auth.audience", AUDIENCE),
                Map.entry("auth.jwks-cache", "PT5M"), Map.entry("auth.jwks-min-refetch", JWKS_MIN_REFETCH.toString()),
                Map.entry("cors.allowed-origins", "https://shop.example"),
                Map.entry("opensearch.url", openSearch)));
        service = OrdersApiService.create(config);
        server = ServiceServer.start(config, service);
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.port() + path);
    }

    /** @return a token for that customer, valid for an hour */
    String token(String customer) {
        return sign(key, claims(customer).build());
    }

    /** @return a token with the admin role and no customer */
    String adminToken() {
        return sign(key, new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("admin-user")
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(3600)))
                .claim("roles", List.of("admin")).build());
    }

    static JWTClaimsSet.Builder claims(String customer) {
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("user-" + customer)
                .issueTime(new Date()).expirationTime(Date.from(Instant.now().plusSeconds(3600)))
                .claim("customer_id", customer);
    }

    static String sign(RSAKey key, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** A response with its body as JSON (null when empty). */
    record Answer(int status, Map<String, List<String>> headers, String body) {
        JsonNode json() {
            try {
                return body.isEmpty() ? null : OrderJson.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst();
        }

        String etag() {
            return header("ETag").orElseThrow(() -> new AssertionError("no ETag: " + this));
        }
    }

    Answer send(String method, String path, String token, String body, String... headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().map(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
        service.close();
        jwksServer.stop();
        firestore.shutdown();
        firestoreProxy.close();
        pubsubProxy.close();
    }
}
