package dev.eventconsumers.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What scale-to-zero costs: {@code process.start_time} (seconds since the epoch, as OpenTelemetry's process metrics
 * name it), and once per instance, when its first event has been answered, {@code instance.cold_starts} and
 * {@code instance.first_event.delay} (from the process's start to that answer, the latency the first caller felt).
 */
public final class ColdStart {
    private static final AtomicBoolean FIRST = new AtomicBoolean(true);
    private static final Instant STARTED = ProcessHandle.current().info().startInstant().orElse(Instant.now());

    private ColdStart() {
    }

    /** Registers the meters (so they are listed, at zero, soon after start; off the start-up path). */
    public static void register() {
        Meters.registerSoon(() -> {
            Meters.gauge("process.start_time", "when this process started, in seconds since the epoch",
                         () -> STARTED.getEpochSecond() + STARTED.getNano() / 1e9);
            Meters.counter("instance.cold_starts", "instances that answered their first event");
            Meters.timer("instance.first_event.delay", "from process start to the answer of its first event");
        });
    }

    /** Records the instance's first answered event; later calls do nothing. */
    public static void eventAnswered() {
        if (FIRST.compareAndSet(true, false)) {
            Meters.counter("instance.cold_starts", "instances that answered their first event").increment();
            Meters.timer("instance.first_event.delay", "from process start to the answer of its first event")
                    .record(Duration.between(STARTED, Instant.now()));
        }
    }
}
