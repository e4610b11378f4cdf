package dev.eventconsumers.auth;

import com.nimbusds.jose.JWSAlgorithm;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What a verified token must say and where it says who the caller is.
 *
 * @param issuer        required {@code iss}
 * @param audience      required {@code aud}
 * @param algorithms    accepted signature algorithms (asymmetric only)
 * @param clockSkew     tolerated clock difference for {@code exp} and {@code nbf}
 * @param customerClaim claim naming the caller's customer id
 * @param rolesClaim    claim listing roles; {@code admin} grants access to every customer
 */
public record TokenRules(String issuer, String audience, Set<JWSAlgorithm> algorithms, Duration clockSkew,
                         String customerClaim, String rolesClaim) {
    /** Algorithms accepted unless configured otherwise. */
    public static final Set<JWSAlgorithm> DEFAULT_ALGORITHMS = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.ES256);

    public TokenRules {
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(audience, "audience");
        algorithms = Set.copyOf(algorithms);
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(customerClaim, "customerClaim");
        Objects.requireNonNull(rolesClaim, "rolesClaim");
    }

    /**
     * @param issuer   required {@code iss}
     * @param audience required {@code aud}
     * @return RS256/ES256, 60 s skew, claims {@code customer_id} and {@code roles}
     */
    public static TokenRules of(String issuer, String audience) {
        return new TokenRules(issuer, audience, DEFAULT_ALGORITHMS, Duration.ofSeconds(60), "customer_id", "roles");
    }
}
