package dev.eventconsumers.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * A backend client built on a thread of its own while the service goes on starting. Building Google's and OpenSearch's
 * clients takes 45-80 ms each (credentials, channel settings, the JDK's TLS context), which otherwise runs
 * before the server starts; on two cores it overlaps Helidon's own start instead. Whatever can be checked without
 * building the client (the project, a CA file) is checked by the caller before, so bad settings still fail the start.
 */
public final class Background {
    private Background() {
    }

    /**
     * @param name  the thread's name
     * @param build what to build
     * @param <T>   what it builds
     * @return the result: {@code get()} waits for it, the same one each time, and throws what building it threw
     */
    public static <T> Supplier<T> start(String name, Supplier<T> build) {
        CompletableFuture<T> result = CompletableFuture.supplyAsync(
                build, task -> Thread.ofPlatform().daemon().name(name).start(task));
        return () -> {
            try {
                return result.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        };
    }
}
