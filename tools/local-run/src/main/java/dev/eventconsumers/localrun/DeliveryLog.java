package dev.eventconsumers.localrun;

import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The readable stream of deliveries, one line each, and the last few thousand of them for {@code GET /deliveries}.
 */
final class DeliveryLog {
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    private static final int KEEP = 5000;

    /**
     * One attempt to deliver an event.
     *
     * @param status     the HTTP status, or 0 where there was no response (refused, timed out)
     * @param error      why there was no response, or the empty string
     * @param deadLetter whether this delivery went to a dead-letter sink (for {@code trigger}'s subscriber)
     */
    record Delivery(Instant time, String id, String type, String subject, String trigger, String target, int status,
                    String error, long latencyMillis, int attempt, int maxAttempts, boolean deadLetter) {
    }

    private final PrintStream out;
    private final ZoneId zone;
    private final Deque<Delivery> recent = new ArrayDeque<>();
    private volatile boolean closing;

    DeliveryLog(PrintStream out, ZoneId zone) {
        this.out = out;
        this.zone = zone;
    }

    void record(Delivery d) {
        String outcome = d.status() > 0 ? Integer.toString(d.status()) : d.error();
        String target = d.deadLetter() ? d.target() + " (dead letter of " + d.trigger() + ")" : d.target();
        line(String.format("%s  %-46s %-44s -> %-16s %-7s %6d ms  attempt %d/%d",
                           CLOCK.format(LocalTime.ofInstant(d.time(), zone)), d.type(), shortSubject(d), target, outcome,
                           d.latencyMillis(), d.attempt(), d.maxAttempts()));
        synchronized (recent) {
            recent.addLast(d);
            if (recent.size() > KEEP) {
                recent.removeFirst();
            }
        }
    }

    /** The subject; for an event without one the end of its source and its id (topics/order-actions #17). */
    private static String shortSubject(Delivery d) {
        if (!d.subject().startsWith("/")) {
            return d.subject();
        }
        String[] parts = d.subject().split("/");
        String tail = parts.length >= 2 ? parts[parts.length - 2] + "/" + parts[parts.length - 1] : d.subject();
        return tail.startsWith("pingsources/") ? tail : tail + " #" + d.id();
    }

    /** A line about the graph itself (a service exited, a source failed); none once the graph is stopping. */
    void note(String message) {
        if (!closing) {
            line(CLOCK.format(LocalTime.now(zone)) + "  ** " + message);
        }
    }

    /** From now on the graph is stopping: what stops is expected to. */
    void closing() {
        closing = true;
    }

    synchronized void line(String line) {
        out.println(line);
        out.flush();
    }

    List<Delivery> recent() {
        synchronized (recent) {
            return new ArrayList<>(recent);
        }
    }

    ArrayNode json(ObjectMapper mapper) {
        ArrayNode array = mapper.createArrayNode();
        for (Delivery d : recent()) {
            ObjectNode node = array.addObject();
            node.put("time", d.time().toString()).put("id", d.id()).put("type", d.type())
                    .put("subject", d.subject()).put("trigger", d.trigger()).put("target", d.target())
                    .put("status", d.status()).put("error", d.error()).put("latency_ms", d.latencyMillis())
                    .put("attempt", d.attempt()).put("max_attempts", d.maxAttempts())
                    .put("dead_letter", d.deadLetter());
        }
        return array;
    }
}
