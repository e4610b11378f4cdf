package dev.eventconsumers.cloudevents;

import dev.eventconsumers.problem.Problem;

import java.util.List;

/**
 * A request or payload that is not a valid event of its kind; answered 400 with the failing attributes or
 * fields named, so that the platform dead-letters it instead of retrying it forever.
 */
public class InvalidEventException extends RuntimeException {
    private final String slug;
    private final List<Problem.FieldError> errors;

    /**
     * @param slug   kind of problem, e.g. {@code missing-attribute}
     * @param detail what is wrong with this request
     * @param errors the failing attributes or fields
     */
    public InvalidEventException(String slug, String detail, List<Problem.FieldError> errors) {
        super(detail);
        this.slug = slug;
        this.errors = List.copyOf(errors);
    }

    /**
     * @param slug   kind of problem
     * @param detail what is wrong
     * @param name   the failing attribute or field
     * @param reason why it fails
     */
    public InvalidEventException(String slug, String detail, String name, String reason) {
        this(slug, detail, List.of(new Problem.FieldError(name, reason)));
    }

    /** @return the problem body this exception is answered with */
    public Problem toProblem() {
        return Problem.of(slug, "Invalid CloudEvent", 400, getMessage()).withErrors(errors);
    }
}
