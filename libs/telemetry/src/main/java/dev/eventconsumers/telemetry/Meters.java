package dev.eventconsumers.telemetry;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.DistributionStatisticsConfig;
import io.helidon.metrics.api.DistributionSummary;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.Metrics;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The one way services make meters: Helidon's metrics API (Micrometer underneath), served at {@code /observe/metrics}
 * in Prometheus text and pushed over OTLP where configured. Names follow OpenTelemetry's conventions (dotted,
 * {@code http.server.request.duration}); tags stay low-cardinality: an event type, an outcome, an action, never an id.
 * Durations are histograms in seconds with the buckets below, so a p95 can be computed where they are collected.
 */
public final class Meters {
    /** Histogram buckets for durations, from 5 ms to 5 minutes. */
    public static final Duration[] DURATION_BUCKETS = {
            Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
            Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
            Duration.ofSeconds(60), Duration.ofSeconds(300)};

    /**
     * Meters made so far, by name and tags: the registry's own lookup builds a meter builder and a tag list on every
     * call, which cost more than the rest of an acknowledged event, so call sites can ask for a meter per event.
     */
    private static final Map<Key, Meter> MADE = new ConcurrentHashMap<>();

    private record Key(String name, List<String> tags) {
    }

    private Meters() {
    }

    /**
     * @param tags alternating keys and values
     * @return Helidon tags
     */
    static List<Tag> tags(String... tags) {
        if (tags.length % 2 != 0) {
            throw new IllegalArgumentException("tags come in key, value pairs");
        }
        List<Tag> list = new ArrayList<>(tags.length / 2);
        for (int i = 0; i < tags.length; i += 2) {
            list.add(Tag.create(tags[i], tags[i + 1] == null ? "" : tags[i + 1]));
        }
        return list;
    }

    /**
     * @param name        e.g. {@code orders.created}
     * @param description what it counts
     * @param tags        alternating keys and values
     * @return the counter (the same one for the same name and tags)
     */
    public static Counter counter(String name, String description, String... tags) {
        return (Counter) MADE.computeIfAbsent(new Key(name, Arrays.asList(tags)), key -> Metrics.getOrCreate(
                Counter.builder(name).description(description).tags(tags(tags))));
    }

    /**
     * @param name        e.g. {@code thumbnail.decode.duration}
     * @param description what it times
     * @param tags        alternating keys and values
     * @return a timer in seconds with {@link #DURATION_BUCKETS}
     */
    public static Timer timer(String name, String description, String... tags) {
        // Buckets only: percentiles computed in the process (Helidon's default) cost a histogram per meter at start and
        // on every record, and cannot be aggregated across instances anyway.
        return (Timer) MADE.computeIfAbsent(new Key(name, Arrays.asList(tags)), key -> Metrics.getOrCreate(
                Timer.builder(name).description(description).baseUnit("seconds").buckets(DURATION_BUCKETS)
                        .percentiles(new double[0]).tags(tags(tags))));
    }

    /**
     * @param name        e.g. {@code orders.amount}
     * @param description what it measures
     * @param unit        its unit, e.g. {@code cents}
     * @param buckets     histogram bucket bounds, each above 0 (Micrometer refuses 0)
     * @param tags        alternating keys and values
     * @return the distribution
     */
    public static DistributionSummary distribution(String name, String description, String unit, double[] buckets,
                                                   String... tags) {
        for (double bound : buckets) {
            if (!(bound > 0)) {
                throw new IllegalArgumentException(name + ": bucket bounds must be above 0, not " + bound);
            }
        }
        return (DistributionSummary) MADE.computeIfAbsent(new Key(name, Arrays.asList(tags)), key -> Metrics.getOrCreate(
                DistributionSummary.builder(name, DistributionStatisticsConfig.builder().buckets(buckets)
                        .percentiles(new double[0])).description(description).baseUnit(unit).tags(tags(tags))));
    }

    /**
     * Registers meters off the start-up path, so they are listed (at zero) soon after start without delaying the first
     * request of an instance that scaled from zero.
     *
     * @param registrations what to register
     */
    public static void registerSoon(Runnable registrations) {
        Thread.ofVirtual().name("meters").start(registrations);
    }

    /**
     * @param name        e.g. {@code outbox.pending}
     * @param description what it shows
     * @param value       read at every collection
     * @param tags        alternating keys and values
     */
    public static void gauge(String name, String description, Supplier<? extends Number> value, String... tags) {
        Metrics.getOrCreate(Gauge.builder(name, () -> value.get().doubleValue()).description(description)
                                    .tags(tags(tags)));
    }
}
