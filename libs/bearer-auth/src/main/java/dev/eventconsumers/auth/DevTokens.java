package dev.eventconsumers.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Tokens for a developer's machine: a key pair made at start-up, kept in memory, whose tokens only a verifier built
 * by {@link #verifier()} accepts. It refuses to exist where the service runs on Cloud Run ({@code K_SERVICE}) or in
 * a Kubernetes pod ({@code KUBERNETES_SERVICE_HOST}), so a stray {@code auth.dev.enabled=true} cannot open
 * production.
 */
public final class DevTokens {
    /** Issuer of every dev token. */
    public static final String ISSUER = "urn:event-consumers:dev";
    /** Audience of every dev token. */
    public static final String AUDIENCE = "event-consumers-dev";
    private static final List<String> PRODUCTION_MARKERS = List.of("K_SERVICE", "KUBERNETES_SERVICE_HOST");

    private final RSAKey key;
    private final Clock clock;

    private DevTokens(RSAKey key, Clock clock) {
        this.key = key;
        this.clock = clock;
    }

    /**
     * @param environment the process environment ({@code System.getenv()})
     * @param clock       issue and expiry times
     * @return dev tokens
     * @throws IllegalStateException where the environment says this is Cloud Run or Kubernetes
     */
    public static DevTokens create(Map<String, String> environment, Clock clock) {
        for (String marker : PRODUCTION_MARKERS) {
            if (environment.containsKey(marker)) {
                throw new IllegalStateException("auth.dev.enabled is refused here: " + marker
                        + " is set, so this is not a developer's machine");
            }
        }
        try {
            return new DevTokens(new RSAKeyGenerator(2048).keyID("dev-" + UUID.randomUUID()).generate(), clock);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make a dev key pair", e);
        }
    }

    /** @return a verifier that accepts these tokens and no others */
    public TokenVerifier verifier() {
        return new TokenVerifier(new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())), TokenRules.of(ISSUER, AUDIENCE));
    }

    /**
     * @param customerId the customer the token acts as
     * @param admin      whether it carries the admin role
     * @param lifetime   how long it is valid
     * @return a signed token for {@code Authorization: Bearer}
     */
    public String issue(String customerId, boolean admin, Duration lifetime) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER).audience(AUDIENCE).subject("dev-" + customerId)
                .issueTime(Date.from(clock.instant())).expirationTime(Date.from(clock.instant().plus(lifetime)))
                .claim("customer_id", customerId);
        if (admin) {
            claims.claim("roles", List.of("admin"));
        }
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(),
                                      claims.build());
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a dev token", e);
        }
        return jwt.serialize();
    }
}
