package dev.eventconsumers.runtime;

import io.helidon.config.Config;
import io.helidon.service.registry.Services;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link ServiceServer#loadConfig()} makes the service's config the one Helidon's own features get from the service
 * registry. The registry is global to a JVM, and this JVM's tests have used it already, so the check runs in a JVM of
 * its own, as a service's {@code main} would.
 */
class LoadConfigTest {
    @Test
    void theServiceRegistryHandsOutTheServicesOwnConfig() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                Probe.class.getName())).redirectErrorStream(true);
        builder.environment().put("PROBE_VALUE", "from the environment");
        Process probe = builder.start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(probe.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, probe.exitValue(), output);
        assertTrue(output.contains("same instance: true, probe.value: from the environment"), output);
    }

    /** What a service's main does first, then what the registry answers. */
    static final class Probe {
        private Probe() {
        }

        public static void main(String[] args) {
            Config config = ServiceServer.loadConfig();
            Config registry = Services.get(Config.class);
            System.out.println("same instance: " + (registry == config) + ", probe.value: "
                                       + registry.get("probe.value").asString().orElse("(none)"));
        }
    }
}
