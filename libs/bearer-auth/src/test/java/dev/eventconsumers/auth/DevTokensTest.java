package dev.eventconsumers.auth;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DevTokensTest {

    @Test
    void devTokensVerifyWithTheirOwnVerifierOnly() throws Exception {
        DevTokens tokens = DevTokens.create(Map.of(), Clock.systemUTC());
        Caller caller = tokens.verifier().verify(tokens.issue("cust-42", false, Duration.ofHours(1)));
        assertEquals("cust-42", caller.customerId().orElseThrow());
        assertTrue(!caller.admin());
        assertTrue(tokens.verifier().verify(tokens.issue("cust-1", true, Duration.ofHours(1))).admin());
        DevTokens other = DevTokens.create(Map.of(), Clock.systemUTC());
        assertThrows(TokenRejectedException.class,
                     () -> other.verifier().verify(tokens.issue("cust-42", false, Duration.ofHours(1))));
    }

    @Test
    void expiredDevTokenIsRejected() {
        DevTokens tokens = DevTokens.create(Map.of(), Clock.offset(Clock.systemUTC(), Duration.ofHours(-3)));
        String old = tokens.issue("cust-42", false, Duration.ofHours(1));
        assertThrows(TokenRejectedException.class, () -> tokens.verifier().verify(old));
    }

    @Test
    void devModeIsRefusedOnCloudRunAndKubernetes() {
        assertThrows(IllegalStateException.class,
                     () -> DevTokens.create(Map.of("K_SERVICE", "orders-api"), Clock.systemUTC()));
        assertThrows(IllegalStateException.class,
                     () -> DevTokens.create(Map.of("KUBERNETES_SERVICE_HOST", "10.0.0.1"), Clock.systemUTC()));
    }
}
