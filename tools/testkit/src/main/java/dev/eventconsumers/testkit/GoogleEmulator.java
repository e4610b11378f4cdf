package dev.eventconsumers.testkit;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.containers.FirestoreEmulatorContainer;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.PubSubEmulatorContainer;
import org.testcontainers.utility.DockerImageName;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Google's Firestore and Pub/Sub emulators: how each is found ({@link EmulatorSource}) and started, in one place for
 * the tests and the local run.
 */
public enum GoogleEmulator {
    FIRESTORE("Firestore", "FIRESTORE_EMULATOR_HOST", "platform/cloud-firestore-emulator/cloud_firestore_emulator",
              List.of("start"), () -> new FirestoreEmulatorContainer(DockerImageName.parse(GoogleEmulator.IMAGE))),
    PUBSUB("Pub/Sub", "PUBSUB_EMULATOR_HOST", "platform/pubsub-emulator/bin/cloud-pubsub-emulator", List.of(),
           () -> new PubSubEmulatorContainer(DockerImageName.parse(GoogleEmulator.IMAGE)));

    /** The image Testcontainers' gcloud module documents for both emulators. */
    static final String IMAGE = "gcr.io/google.com/cloudsdktool/google-cloud-cli:emulators";

    private final String title;
    private final String variable;
    private final String launcher;
    private final List<String> arguments;
    private final Supplier<GenericContainer<?>> container;

    GoogleEmulator(String title, String variable, String launcher, List<String> arguments,
                   Supplier<GenericContainer<?>> container) {
        this.title = title;
        this.variable = variable;
        this.launcher = launcher;
        this.arguments = arguments;
        this.container = container;
    }

    /** @return e.g. {@code Firestore} */
    public String title() {
        return title;
    }

    /** @return the variable that points clients at a running emulator, e.g. {@code FIRESTORE_EMULATOR_HOST} */
    public String variable() {
        return variable;
    }

    /** @return the Google Cloud CLI's launcher, if installed */
    public Optional<Path> launcher() {
        return GoogleCloudSdk.launcher(launcher);
    }

    /**
     * @param running an emulator somebody started, if any (the value of {@link #variable()})
     * @return where this emulator comes from here
     */
    public EmulatorSource source(Optional<String> running) {
        return EmulatorSource.choose(title, variable, running, launcher(), EmulatorSource::dockerAvailable);
    }

    /**
     * Starts this emulator for the test JVM (stopped when it exits), or aborts the calling test, reported as not run
     * with the reason, where there is none.
     *
     * @return its {@code host:port}
     */
    public String startForTests() {
        EmulatorSource source = source(Optional.ofNullable(System.getenv(variable)));
        if (source instanceof EmulatorSource.None none) {
            Assumptions.abort("not run: " + none.reason());
        }
        Started started = start(source, 0, Map.of());
        Runtime.getRuntime().addShutdownHook(new Thread(started.stop()));
        return started.host();
    }

    /** An emulator this process started: its address, and how to stop it (with everything it forked). */
    public record Started(String host, Optional<Long> pid, Runnable stop) {
    }

    /**
     * @param source      {@link EmulatorSource.Cli} or {@link EmulatorSource.Docker}
     * @param port        the loopback port for a CLI emulator, or 0 for a free one (Docker picks its own)
     * @param environment added to a CLI launcher's environment (e.g. {@code JAVA_TOOL_OPTIONS})
     * @return the running emulator, answering
     */
    public Started start(EmulatorSource source, int port, Map<String, String> environment) {
        return start(source, port, environment, pid -> { });
    }

    /**
     * As {@link #start(EmulatorSource, int, Map)}, telling {@code spawned} the pid of a CLI emulator's launcher as soon
     * as it exists, before the emulator answers.
     */
    public Started start(EmulatorSource source, int port, Map<String, String> environment,
                         java.util.function.LongConsumer spawned) {
        return switch (source) {
            case EmulatorSource.Cli cli -> {
                List<String> command = new ArrayList<>();
                command.add(cli.launcher().toString());
                command.addAll(arguments);
                EmulatorProcess.Running running = EmulatorProcess.start(title, command, port, environment,
                                                                              spawned);
                yield new Started(running.host(), Optional.of(running.process().pid()),
                                  () -> EmulatorProcess.stop(running.process()));
            }
            case EmulatorSource.Docker docker -> {
                GenericContainer<?> started = container.get();
                started.start();
                String host = switch (started) {
                    case FirestoreEmulatorContainer f -> f.getEmulatorEndpoint();
                    case PubSubEmulatorContainer p -> p.getEmulatorEndpoint();
                    default -> throw new IllegalStateException("no endpoint for " + started);
                };
                yield new Started(host, Optional.empty(), started::stop);
            }
            case EmulatorSource.Running running -> new Started(running.host(), Optional.empty(), () -> { });
            case EmulatorSource.None none -> throw new IllegalStateException(none.reason());
        };
    }
}
