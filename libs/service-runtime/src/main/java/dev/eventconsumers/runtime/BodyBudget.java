package dev.eventconsumers.runtime;

import dev.eventconsumers.problem.Problem;
import io.helidon.config.Config;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Bounds the request bodies a service holds at once, so that its heap holds at its container concurrency with the
 * largest bodies it accepts: a body and what a service makes of it (a parsed tree, a decoded payload, a serialized
 * copy) take several times its size, so by default the bodies in flight take at most an eighth of the heap. A request
 * whose body does not fit waits for others to finish, and after {@code limits.in-flight-wait} is answered 503 with
 * {@code Retry-After} (overloaded: the platform delivers it again), never taken and dropped.
 * Config: {@code limits.in-flight-bytes} (0: an eighth of the heap), {@code limits.in-flight-wait}.
 */
public final class BodyBudget implements Filter {
    /** Permits count kibibytes, so that budgets beyond 2 GiB fit. */
    private static final long UNIT = 1024;

    private final Semaphore permits;
    private final int total;
    private final long maxBody;
    private final Duration wait;

    /**
     * @param bytes   body bytes held at once
     * @param maxBody the largest body the server accepts (a request without a length may be that large)
     * @param wait    how long a request may wait for room
     */
    public BodyBudget(long bytes, long maxBody, Duration wait) {
        this.total = (int) Math.max(1, Math.min(Integer.MAX_VALUE, bytes / UNIT));
        this.permits = new Semaphore(total, true);
        this.maxBody = maxBody;
        this.wait = wait;
    }

    /**
     * @param config  the root config
     * @param maxBody the server's body cap
     * @return the budget the config describes
     */
    public static BodyBudget fromConfig(Config config, long maxBody) {
        long bytes = config.get("limits.in-flight-bytes").asLong().orElse(0L);
        return new BodyBudget(bytes > 0 ? bytes : Runtime.getRuntime().maxMemory() / 8, maxBody,
                              config.get("limits.in-flight-wait").as(Duration.class).orElse(Duration.ofSeconds(10)));
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        long length = req.headers().contentLength().orElse(-1);
        boolean body = length > 0 || length < 0 && req.headers().contains(HeaderNames.TRANSFER_ENCODING);
        if (!body) {
            chain.proceed();
            return;
        }
        int units = (int) Math.max(1, Math.min(total, ((length < 0 ? maxBody : length) + UNIT - 1) / UNIT));
        boolean acquired;
        try {
            acquired = permits.tryAcquire(units, wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            acquired = false;
        }
        if (!acquired) {
            Problem problem = Problem.of("overloaded", "Service Unavailable", 503, "this instance holds as many "
                    + "request bodies as its memory allows; send it again later");
            res.status(503).header(HeaderNames.RETRY_AFTER, "1").header(HeaderNames.CONTENT_TYPE, Problem.MEDIA_TYPE)
                    .send(problem.toJson());
            return;
        }
        try {
            chain.proceed();
        } finally {
            permits.release(units);
        }
    }
}
