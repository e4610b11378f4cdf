package dev.eventconsumers.cloudevents;

/**
 * A service's business code for one kind of event. It never picks an HTTP status: it returns an
 * {@link EventOutcome}. An exception it throws is answered as 500 (redelivered), without details.
 *
 * @param <T> payload type
 */
@FunctionalInterface
public interface EventHandler<T> {
    /**
     * @param event the event with its typed payload
     * @return what became of it
     * @throws Exception an unexpected failure (answered 500, retried by the platform)
     */
    EventOutcome handle(TypedEvent<T> event) throws Exception;
}
