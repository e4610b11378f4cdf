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
    private final int status;

    /**
     * @param slug   kind of problem, e.g. {@code missing-attribute}
     * @param detail what is wrong with this request
     * @param errors the failing attributes or fields
     */
    public InvalidEventException(String slug, String detail, List<Problem.FieldError> errors) {
        this(slug, detail, errors, 400);
    }

    private InvalidEventException(String slug, String detail, List<Problem.FieldError> errors, int status) {
        super(detail);
        this.slug = slug;
        this.errors = List.copyOf(errors);
        this.status = status;
    }

    /**
     * @param other a 4xx status that says more than 400, e.g. 413 for a batch over the cap
     * @return the same refusal with that status
     */
    public InvalidEventException withStatus(int other) {
        return new InvalidEventException(slug, getMessage(), errors, other);
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
        return Problem.of(slug, status == 413 ? "Payload Too Large" : "Invalid CloudEvent", status, getMessage())
                .withErrors(errors);
    }
}
