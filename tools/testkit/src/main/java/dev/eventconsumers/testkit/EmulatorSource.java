package dev.eventconsumers.testkit;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Where a Google emulator for tests comes from, chosen by one rule: one already running (its {@code *_EMULATOR_HOST}
 * variable), else the Google Cloud CLI's launcher, else Google's emulator image through Testcontainers where a Docker
 * engine runs, else none (the tests that need it are reported as not run, with this reason).
 */
public sealed interface EmulatorSource {

    /** @param host {@code host:port} of an emulator somebody else started */
    record Running(String host) implements EmulatorSource {
    }

    /** @param launcher the Google Cloud CLI's launcher script */
    record Cli(Path launcher) implements EmulatorSource {
    }

    /** Google's {@code google-cloud-cli:emulators} image, started by Testcontainers. */
    record Docker() implements EmulatorSource {
    }

    /** @param reason why there is no emulator, for the "not run" report */
    record None(String reason) implements EmulatorSource {
    }

    /**
     * @param name      for the reason, e.g. {@code Firestore}
     * @param variable  the variable naming a running emulator, e.g. {@code FIRESTORE_EMULATOR_HOST}
     * @param host      its value, if set
     * @param launcher  the CLI's launcher, if installed
     * @param docker    whether a Docker engine answers (asked only when nothing before it applies: it is slow)
     * @return the source to use
     */
    static EmulatorSource choose(String name, String variable, Optional<String> host, Optional<Path> launcher,
                                 BooleanSupplier docker) {
        if (host.isPresent() && !host.get().isBlank()) {
            return new Running(host.get().trim());
        }
        if (launcher.isPresent()) {
            return new Cli(launcher.get());
        }
        if (docker.getAsBoolean()) {
            return new Docker();
        }
        return new None("no " + name + " emulator here: no " + variable + ", no Google Cloud CLI with it (looked in "
                                + GoogleCloudSdk.roots() + "; install: " + GoogleCloudSdk.INSTALL_HINT
                                + "), and no Docker engine for Testcontainers");
    }

    /** @return whether a Docker engine answers, as Testcontainers sees it */
    static boolean dockerAvailable() {
        try {
            return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
