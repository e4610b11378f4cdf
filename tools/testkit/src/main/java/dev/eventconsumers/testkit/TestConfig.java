package dev.eventconsumers.testkit;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Config for a service's composition root in a test: the given settings over the service's own
 * {@code application.yaml} (from the test's class path), a server on a free loopback port, and neither environment
 * variables nor system properties, so a developer's {@code FIRESTORE_EMULATOR_HOST} cannot leak into a test.
 */
public final class TestConfig {
    private TestConfig() {
    }

    /**
     * @param settings dotted keys, e.g. {@code blobstore.kind=filesystem}; they win over {@code application.yaml}
     * @return the config
     */
    public static Config of(Map<String, String> settings) {
        Map<String, String> all = new LinkedHashMap<>(Map.of("server.port", "0", "server.host", "127.0.0.1"));
        // Extra sockets (the API's private observe socket) on free loopback ports too, so tests never collide.
        Config yaml = Config.just(ConfigSources.classpath("application.yaml").optional());
        List<Config> sockets = yaml.get("server.sockets").asNodeList().orElse(List.of());
        for (int i = 0; i < sockets.size(); i++) {
            all.put("server.sockets." + i + ".port", "0");
            all.put("server.sockets." + i + ".host", "127.0.0.1");
        }
        all.putAll(settings);
        return Config.builder()
                .disableEnvironmentVariablesSource()
                .disableSystemPropertiesSource()
                .sources(ConfigSources.create(all), ConfigSources.classpath("application.yaml").optional())
                .build();
    }
}
