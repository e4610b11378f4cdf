package dev.eventconsumers.cloudevents;

import dev.eventconsumers.problem.Problem;
import io.cloudevents.CloudEvent;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a handler made of an event. The binding alone turns an outcome into the status code that Eventarc,
 * Pub/Sub push and Knative understand: {@link Done} is acknowledged, {@link Reply} is acknowledged with a
 * follow-on event in the response, {@link Reject} goes to the dead-letter sink, {@link Retry} is redelivered.
 */
public sealed interface EventOutcome {

    /** The event was handled, or there was nothing to do (unsupported file, stale event). */
    record Done(String note) implements EventOutcome {
        public Done {
            Objects.requireNonNull(note, "note");
        }
    }

    /** The event was handled and produced a follow-on event for the broker (Knative replies). */
    record Reply(CloudEvent event) implements EventOutcome {
        public Reply {
            Objects.requireNonNull(event, "event");
        }
    }

    /** The event can never succeed: retrying it is pointless (unknown order, illegal transition, poison data). */
    record Reject(String reason, List<Problem.FieldError> errors) implements EventOutcome {
        public Reject {
            Objects.requireNonNull(reason, "reason");
            errors = List.copyOf(errors);
        }
    }

    /** A backend is unavailable or overloaded: deliver the event again later. */
    record Retry(String reason, Duration after) implements EventOutcome {
        public Retry {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(after, "after");
            if (after.isNegative()) {
                throw new IllegalArgumentException("retry delay must not be negative");
            }
        }
    }

    /** @return the event was handled */
    static EventOutcome done() {
        return new Done("");
    }

    /**
     * @param note what was done or why nothing was (logged)
     * @return the event was handled
     */
    static EventOutcome done(String note) {
        return new Done(note);
    }

    /**
     * @param event follow-on event to send back
     * @return the event was handled with a reply
     */
    static EventOutcome reply(CloudEvent event) {
        return new Reply(event);
    }

    /**
     * @param reason why the event can never succeed
     * @return permanent rejection
     */
    static EventOutcome reject(String reason) {
        return new Reject(reason, List.of());
    }

    /**
     * @param reason why the event can never succeed
     * @param errors the fields that failed
     * @return permanent rejection
     */
    static EventOutcome reject(String reason, List<Problem.FieldError> errors) {
        return new Reject(reason, errors);
    }

    /**
     * @param reason what is unavailable
     * @param after  suggested delay before the next attempt ({@code Retry-After})
     * @return transient failure
     */
    static EventOutcome retry(String reason, Duration after) {
        return new Retry(reason, after);
    }

    /**
     * @param reason what is unavailable
     * @return transient failure, retried after 10 s (Eventarc's minimum backoff)
     */
    static EventOutcome retry(String reason) {
        return new Retry(reason, Duration.ofSeconds(10));
    }
}
