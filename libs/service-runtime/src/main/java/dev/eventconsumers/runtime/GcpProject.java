package dev.eventconsumers.runtime;

import io.helidon.config.Config;

import java.util.Optional;

/** The Google Cloud project a service runs in, read in one place. */
public final class GcpProject {
    private GcpProject() {
    }

    /**
     * @param config the root config
     * @return {@code gcp.project} (env {@code GCP_PROJECT}), else the {@code GOOGLE_CLOUD_PROJECT} variable; empty
     *         when neither is set (Google's clients then ask the metadata server)
     */
    public static Optional<String> of(Config config) {
        return config.get("gcp.project").asString().asOptional()
                .or(() -> Optional.ofNullable(System.getenv("GOOGLE_CLOUD_PROJECT")))
                .filter(p -> !p.isBlank());
    }
}
