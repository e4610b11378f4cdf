package dev.eventconsumers.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.eventconsumers.runtime.ServiceServer;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import io.helidon.webserver.WebServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Verification against a real JWKS endpoint on loopback (a Helidon server whose key set the tests rotate), with
 * tokens signed by nimbus; and the filter over real HTTP.
 */
class TokenVerifierTest {
    static final String ISSUER = "https://securetoken.google.com/demo-project";
    static final String AUDIENCE = "demo-project";
    static final AtomicReference<JWKSet> PUBLISHED = new AtomicReference<>();
    static final AtomicInteger FETCHES = new AtomicInteger();
    /** The shortest time between two fetches of the key set, short for the tests. */
    static final Duration REFETCH = Duration.ofMillis(300);
    static RSAKey rsa;
    static ECKey ec;
    static WebServer jwksServer;
    static WebServer server;

    TokenVerifier verifier;

    @BeforeAll
    static void startJwksServer() throws Exception {
        rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        PUBLISHED.set(new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())));
        Config loopback = Config.just(ConfigSources.create(Map.of("server.port", "0", "server.host", "127.0.0.1")));
        jwksServer = ServiceServer.start(loopback, routing -> routing.get("/jwks.json", (req, res) -> {
            FETCHES.incrementAndGet();
            res.header("Content-Type", "application/json").send(PUBLISHED.get().toString());
        }));
        server = ServiceServer.start(loopback,
                routing -> {
                    routing.addFilter(new BearerAuthFilter(new TokenVerifier(
                            TokenVerifier.remoteKeys(jwks(), Duration.ofMinutes(5), REFETCH), TokenRules.of(ISSUER, AUDIENCE)),
                                                             List.of("/orders")));
                    routing.get("/orders", (req, res) -> res.send(BearerAuthFilter.caller(req).orElseThrow().subject()));
                    routing.get("/open", (req, res) -> res.send("open"));
                });
    }

    @AfterAll
    static void stop() {
        server.stop();
        jwksServer.stop();
    }

    static java.net.URL jwks() {
        try {
            return URI.create("http://127.0.0.1:" + jwksServer.port() + "/jwks.json").toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @BeforeEach
    void freshVerifier() {
        PUBLISHED.set(new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())));
        FETCHES.set(0);
        verifier = new TokenVerifier(TokenVerifier.remoteKeys(jwks(), Duration.ofMinutes(5), REFETCH),
                                     TokenRules.of(ISSUER, AUDIENCE));
    }

    static JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("user-1")
                .issueTime(Date.from(now.minusSeconds(10))).expirationTime(Date.from(now.plusSeconds(600)))
                .claim("customer_id", "cust-42");
    }

    static String rs256(RSAKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID())
                                              .type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }

    @Test
    void validTokenNamesTheCallerAndItsCustomer() throws Exception {
        Caller caller = verifier.verify(rs256(rsa, claims().build()));
        assertEquals("user-1", caller.subject());
        assertEquals("cust-42", caller.customerId().orElseThrow());
        assertTrue(caller.mayAccess("cust-42"));
        assertTrue(!caller.mayAccess("cust-7"));
    }

    @Test
    void adminRoleReachesEveryCustomer() throws Exception {
        Caller admin = verifier.verify(rs256(rsa, claims().claim("roles", List.of("admin")).build()));
        assertTrue(admin.admin());
        assertTrue(admin.mayAccess("cust-7"));
    }

    @Test
    void es256IsAcceptedToo() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(), claims().build());
        jwt.sign(new ECDSASigner(ec));
        assertEquals("user-1", verifier.verify(jwt.serialize()).subject());
    }

    @Test
    void expiryHasSmallSkewOnly() throws Exception {
        Instant now = Instant.now();
        verifier.verify(rs256(rsa, claims().expirationTime(Date.from(now.minusSeconds(30))).build()));
        TokenRejectedException e = assertThrows(TokenRejectedException.class, () -> verifier.verify(
                rs256(rsa, claims().expirationTime(Date.from(now.minusSeconds(120))).build())));
        assertTrue(e.getMessage().toLowerCase().contains("expired"), e.getMessage());
    }

    @Test
    void tamperedWrongAudienceWrongIssuerAndUnsignedTokensAreRejected() throws Exception {
        String good = rs256(rsa, claims().build());
        String[] parts = good.split("\\.");
        String otherPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims().claim("customer_id", "cust-7").build().toString().getBytes());
        assertThrows(TokenRejectedException.class, () -> verifier.verify(parts[0] + "." + otherPayload + "." + parts[2]));
        assertThrows(TokenRejectedException.class, () -> verifier.verify(rs256(rsa, claims().audience("other").build())));
        assertThrows(TokenRejectedException.class, () -> verifier.verify(rs256(rsa, claims().issuer("https://evil").build())));
        assertThrows(TokenRejectedException.class, () -> verifier.verify(new PlainJWT(claims().build()).serialize()));
        assertThrows(TokenRejectedException.class, () -> verifier.verify("not.a.jwt"));
    }

    @Test
    void hmacWithThePublicKeyAsSecretIsRejected() throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("rsa-1").build(), claims().build());
        jwt.sign(new MACSigner(rsa.toPublicJWK().toRSAPublicKey().getEncoded()));
        assertThrows(TokenRejectedException.class, () -> verifier.verify(jwt.serialize()));
    }

    @Test
    void keysAreFetchedOnceAndRotationIsPickedUp() throws Exception {
        for (int i = 0; i < 20; i++) {
            verifier.verify(rs256(rsa, claims().build()));
        }
        assertEquals(1, FETCHES.get(), "the key set is cached");
        RSAKey rotated = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
        PUBLISHED.set(new JWKSet(List.of(rotated.toPublicJWK(), ec.toPublicJWK())));
        Thread.sleep(REFETCH.toMillis() + 100);
        assertEquals("user-1", verifier.verify(rs256(rotated, claims().build())).subject());
        assertEquals(2, FETCHES.get(), "an unknown key id refetches the key set");
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-unknown").generate();
        assertThrows(TokenRejectedException.class, () -> verifier.verify(rs256(stranger, claims().build())));
    }

    @Test
    void forgedKeyIdsDoNotMakeAFetchEach() throws Exception {
        verifier.verify(rs256(rsa, claims().build()));
        RSAKey forger = new RSAKeyGenerator(2048).keyID("forged").generate();
        long began = System.nanoTime();
        for (int i = 0; i < 50; i++) {
            String forged = rs256(new RSAKey.Builder(forger).keyID("forged-" + i).build(), claims().build());
            assertThrows(TokenRejectedException.class, () -> verifier.verify(forged));
        }
        // The known-key fetch opens the first window; Nimbus allows two fetches per window, a window may straddle.
        long windows = (System.nanoTime() - began) / REFETCH.toNanos() + 2;
        assertTrue(FETCHES.get() <= 2 * windows, FETCHES.get() + " fetches for 50 forged key ids in " + windows
                + " rate-limit windows: each made a fetch");
    }

    @Test
    void anIssuerOutagePastTheCacheIsUnavailableNotAnInvalidToken() throws Exception {
        Config loopback = Config.just(ConfigSources.create(Map.of("server.port", "0", "server.host", "127.0.0.1")));
        WebServer issuer = ServiceServer.start(loopback, routing -> routing.get("/jwks.json", (req, res) -> res
                .header("Content-Type", "application/json").send(PUBLISHED.get().toString())));
        TokenVerifier shortLived = new TokenVerifier(TokenVerifier.remoteKeys(
                URI.create("http://127.0.0.1:" + issuer.port() + "/jwks.json").toURL(), Duration.ofMillis(500),
                Duration.ofMillis(100)), TokenRules.of(ISSUER, AUDIENCE));
        assertEquals("user-1", shortLived.verify(rs256(rsa, claims().build())).subject());
        issuer.stop();
        // Within the cache and its outage tolerance the known key still verifies...
        assertEquals("user-1", shortLived.verify(rs256(rsa, claims().build())).subject());
        Thread.sleep(1_500);
        // ... after both, nothing can be verified: unavailable, not "your token is bad".
        assertThrows(KeysUnavailableException.class, () -> shortLived.verify(rs256(rsa, claims().build())));
        WebServer guarded = ServiceServer.start(loopback, routing -> routing
                .addFilter(new BearerAuthFilter(shortLived, List.of("/orders")))
                .get("/orders", (req, res) -> res.send("never")));
        try {
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + guarded.port() + "/orders"))
                    .header("Authorization", "Bearer " + rs256(rsa, claims().build())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(503, answer.statusCode(), answer.body());
            assertTrue(answer.headers().firstValue("Retry-After").isPresent());
            assertEquals("application/problem+json", answer.headers().firstValue("Content-Type").orElseThrow());
        } finally {
            guarded.stop();
        }
    }

    @Test
    void filterGuardsOnlyItsPathsAndAnswersProblems() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI base = URI.create("http://127.0.0.1:" + server.port());
        HttpResponse<String> missing = client.send(HttpRequest.newBuilder(base.resolve("/orders")).build(),
                                                   HttpResponse.BodyHandlers.ofString());
        assertEquals(401, missing.statusCode());
        assertEquals("application/problem+json", missing.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("Bearer", missing.headers().firstValue("WWW-Authenticate").orElseThrow());
        HttpResponse<String> bad = client.send(HttpRequest.newBuilder(base.resolve("/orders"))
                                                       .header("Authorization", "Bearer nonsense").build(),
                                               HttpResponse.BodyHandlers.ofString());
        assertEquals(401, bad.statusCode());
        assertTrue(bad.headers().firstValue("WWW-Authenticate").orElseThrow().contains("invalid_token"));
        HttpResponse<String> good = client.send(HttpRequest.newBuilder(base.resolve("/orders"))
                                                        .header("Authorization", "Bearer " + rs256(rsa, claims().build()))
                                                        .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, good.statusCode(), good.body());
        assertEquals("user-1", good.body());
        assertEquals(200, client.send(HttpRequest.newBuilder(base.resolve("/open")).build(),
                                      HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(204, client.send(HttpRequest.newBuilder(base.resolve("/observe/health")).build(),
                                      HttpResponse.BodyHandlers.ofString()).statusCode());
    }
}
