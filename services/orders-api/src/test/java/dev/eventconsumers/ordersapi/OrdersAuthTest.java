package dev.eventconsumers.ordersapi;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Who may do what: real tokens signed in the test, verified against the JWKS the test serves on loopback. */
class OrdersAuthTest {
    static ApiServer api;
    String orderOfCust1;

    @BeforeAll
    static void start() {
        api = new ApiServer();
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    @BeforeEach
    void oneOrder() {
        api.firestoreEmulator.reset();
        api.published.set(new JWKSet(api.key.toPublicJWK()));
        ApiServer.Answer created = api.send("POST", "/orders", api.token("cust-1"), OrdersApiTest.ORDER);
        assertEquals(201, created.status(), created.body());
        orderOfCust1 = created.json().path("order_id").asText();
    }

    ApiServer.Answer get(String token) {
        return api.send("GET", "/orders/" + orderOfCust1, token, null);
    }

    void assertUnauthorized(ApiServer.Answer answer) {
        assertEquals(401, answer.status(), answer.body());
        assertTrue(answer.header("WWW-Authenticate").orElseThrow().startsWith("Bearer"));
        assertEquals("application/problem+json", answer.header("Content-Type").orElseThrow());
    }

    @Test
    void missingOrMalformedTokensAre401() {
        assertUnauthorized(get(null));
        assertUnauthorized(api.send("GET", "/orders/" + orderOfCust1, null, null, "Authorization", "Basic dTpw"));
        assertUnauthorized(get("not-a-jwt"));
    }

    @Test
    void expiredTokenIs401ButSmallSkewIsTolerated() {
        Date now = new Date();
        assertUnauthorized(get(ApiServer.sign(api.key, ApiServer.claims("cust-1")
                .expirationTime(Date.from(Instant.now().minusSeconds(120))).build())));
        assertEquals(200, get(ApiServer.sign(api.key, ApiServer.claims("cust-1").issueTime(now)
                .expirationTime(Date.from(Instant.now().minusSeconds(20))).build())).status());
    }

    @Test
    void tamperedTokenIs401() {
        String[] parts = api.token("cust-1").split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"roles\"", "\"x\"").replace("user-cust-1", "user-cust-2");
        String forged = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertUnauthorized(get(forged));
    }

    @Test
    void wrongAudienceOrIssuerIs401() {
        assertUnauthorized(get(ApiServer.sign(api.key, ApiServer.claims("cust-1").audience("other-project").build())));
        assertUnauthorized(get(ApiServer.sign(api.key, ApiServer.claims("cust-1")
                .issuer("https://securetoken.google.com/other").build())));
    }

    @Test
    void algNoneAndHmacWithThePublicKeyAre401() throws Exception {
        assertUnauthorized(get(new PlainJWT(ApiServer.claims("cust-1").build()).serialize()));
        SignedJWT hmac = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID("key-1").build(),
                                       ApiServer.claims("cust-1").build());
        hmac.sign(new MACSigner(api.key.toRSAPublicKey().getEncoded()));
        assertUnauthorized(get(hmac.serialize()));
    }

    @Test
    void tokenOfAnUnpublishedKeyIs401AndARotatedKeyIsFetched() throws Exception {
        RSAKey next = new RSAKeyGenerator(2048).keyID("key-2").generate();
        String signedByNext = ApiServer.sign(next, ApiServer.claims("cust-1").build());
        assertUnauthorized(get(signedByNext));
        api.published.set(new JWKSet(List.of(api.key.toPublicJWK(), next.toPublicJWK())));
        Thread.sleep(ApiServer.JWKS_MIN_REFETCH.toMillis() + 100);
        assertEquals(200, get(signedByNext).status(), "an unknown key id refetches the JWKS, once per window");
    }

    @Test
    void anotherCustomersOrderIs404AndItsListIs403() {
        String other = api.token("cust-2");
        ApiServer.Answer read = get(other);
        assertEquals(404, read.status());
        assertEquals(404, api.send("PATCH", "/orders/" + orderOfCust1, other, "{\"status\":\"CANCELLED\"}").status());
        assertEquals(404, api.send("DELETE", "/orders/" + orderOfCust1, other, null).status());
        assertEquals(403, api.send("GET", "/orders?customer_id=cust-1", other, null).status());
        assertEquals(0, api.send("GET", "/orders", other, null).json().path("orders").size());
        assertEquals(403, api.send("POST", "/orders", other, OrdersApiTest.ORDER).status(),
                     "an order for another customer");
        assertEquals("CREATED", get(api.token("cust-1")).json().path("status").asText(), "nothing changed");
    }

    @Test
    void adminSeesAndChangesEveryCustomersOrders() {
        String admin = api.adminToken();
        assertEquals(200, get(admin).status());
        assertEquals(1, api.send("GET", "/orders?customer_id=cust-1", admin, null).json().path("orders").size());
        assertEquals(400, api.send("GET", "/orders", admin, null).status(), "an admin names the customer");
        assertEquals(200, api.send("PATCH", "/orders/" + orderOfCust1, admin, "{\"status\":\"CANCELLED\"}").status());
        assertEquals(201, api.send("POST", "/orders", admin, OrdersApiTest.ORDER.replace("cust-1", "cust-9")).status());
    }

    @Test
    void healthIsOpenAndEveryOtherObservePageIsForAdmins() {
        assertEquals(204, api.send("GET", "/observe/health", null, null).status());
        ApiServer.Answer anonymous = api.send("GET", "/observe/metrics", null, null);
        assertEquals(401, anonymous.status(), anonymous.body());
        assertEquals("application/problem+json", anonymous.header("Content-Type").orElseThrow());
        ApiServer.Answer customer = api.send("GET", "/observe/metrics", api.token("cust-1"), null);
        assertEquals(403, customer.status(), customer.body());
        ApiServer.Answer admin = api.send("GET", "/observe/metrics", api.adminToken(), null);
        assertEquals(200, admin.status(), admin.body());
        assertTrue(admin.body().contains("# TYPE"), "the metrics, for an admin");
    }

    @Test
    void thePublicApiTakesNoEvents() {
        // The outbox flush runs on the private order worker: nobody can make the public API do backend work.
        ApiServer.Answer tick = api.send("POST", "/", null, "{\"job\":\"outbox-flush\"}", "ce-specversion", "1.0",
                                         "ce-id", "tick-1", "ce-type", "dev.knative.sources.ping",
                                         "ce-source", "/apis/v1/namespaces/default/pingsources/outbox-flush");
        assertEquals(404, tick.status(), tick.body());
    }
}
