package dev.eventconsumers.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;

import java.net.URL;
import java.text.ParseException;
import java.time.Duration;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * Verifies bearer JWTs with nimbus-jose-jwt: the signature against the issuer's JWKS (cached; an unknown key id
 * refetches it, so key rotation just works), only the allowed asymmetric algorithms (no {@code none}, no HMAC with a
 * public key), the issuer, the audience, and expiry with a small clock skew. Fetches are rate-limited, and while the
 * issuer is down the last keys stay trusted for one more cache lifetime; after that, verification is unavailable
 * ({@link KeysUnavailableException}), never a rejection. Firebase Auth / Identity Platform ID
 * tokens fit: JWKS {@code https://www.googleapis.com/service_accounts/v1/jwk/securetoken@system.gserviceaccount.com},
 * issuer {@code https://securetoken.google.com/PROJECT}, audience {@code PROJECT}.
 */
public final class TokenVerifier {
    private final DefaultJWTProcessor<SecurityContext> processor;
    private final String customerClaim;
    private final String rolesClaim;

    /**
     * @param keys  the issuer's keys
     * @param rules what a token must say
     */
    public TokenVerifier(JWKSource<SecurityContext> keys, TokenRules rules) {
        this.customerClaim = rules.customerClaim();
        this.rolesClaim = rules.rolesClaim();
        processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(rules.algorithms(), keys));
        DefaultJWTClaimsVerifier<SecurityContext> claims = new DefaultJWTClaimsVerifier<>(
                Set.of(rules.audience()), new JWTClaimsSet.Builder().issuer(rules.issuer()).build(),
                Set.of("sub", "exp", "iat"), null);
        claims.setMaxClockSkew((int) rules.clockSkew().toSeconds());
        processor.setJWTClaimsSetVerifier(claims);
    }

    /**
     * @param jwksUrl    where the issuer publishes its keys
     * @param cacheTtl   how long fetched keys are trusted before they are fetched again; during an outage of the
     *                   issuer they are trusted that long once more
     * @param minRefetch the rate-limit window: a token naming an unknown key id makes a fetch, and a flood of forged
     *                   ones must not make one each; Nimbus allows two fetches per window (checked against its
     *                   RateLimitedJWKSetSource), so a flood costs the issuer at most two requests per window
     * @return a caching, rate-limited, retrying, outage-tolerant key source
     */
    public static JWKSource<SecurityContext> remoteKeys(URL jwksUrl, Duration cacheTtl, Duration minRefetch) {
        return JWKSourceBuilder.<SecurityContext>create(jwksUrl, new DefaultResourceRetriever(2000, 2000, 512 * 1024))
                .cache(cacheTtl.toMillis(), 5000)
                // Refreshing 30 s ahead of expiry needs a lifetime longer than that (tests use shorter ones).
                .refreshAheadCache(cacheTtl.compareTo(Duration.ofMinutes(1)) >= 0)
                .rateLimited(minRefetch.toMillis())
                .retrying(true)
                .outageTolerant(cacheTtl.toMillis())
                .build();
    }

    /**
     * @param token the compact JWT from {@code Authorization: Bearer}
     * @return the caller
     * @throws TokenRejectedException  when the token proves nothing
     * @throws KeysUnavailableException when the issuer's keys cannot be had for now (answer 503, not 401)
     */
    public Caller verify(String token) throws TokenRejectedException, KeysUnavailableException {
        JWTClaimsSet claims;
        try {
            claims = processor.process(token, null);
        } catch (ParseException e) {
            throw new TokenRejectedException("the token is not a signed JWT");
        } catch (BadJOSEException e) {
            throw new TokenRejectedException(e.getMessage());
        } catch (RateLimitReachedException e) {
            throw new TokenRejectedException("the token names a key the issuer does not publish");
        } catch (KeySourceException e) {
            throw new KeysUnavailableException("the issuer's keys cannot be fetched: " + e.getMessage(), e);
        } catch (JOSEException e) {
            throw new TokenRejectedException("the token's signature could not be checked");
        }
        Object roles = claims.getClaim(rolesClaim);
        boolean admin = roles instanceof Collection<?> list ? list.contains("admin") : "admin".equals(roles);
        Object customer = claims.getClaim(customerClaim);
        return new Caller(claims.getSubject(),
                          customer instanceof String c && !c.isBlank() ? Optional.of(c) : Optional.empty(),
                          admin, claims.getClaims());
    }

}
