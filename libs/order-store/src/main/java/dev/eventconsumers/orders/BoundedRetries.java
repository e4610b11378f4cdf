package dev.eventconsumers.orders;

import com.google.api.gax.retrying.RetrySettings;

import java.time.Duration;

/** gax retry settings that give up after a fixed time, so an unavailable backend costs a request that long. */
final class BoundedRetries {
    private BoundedRetries() {
    }

    /**
     * @param timeout  every attempt and all of them together end within it
     * @param maxDelay the longest pause between attempts (from 100 ms, doubling)
     * @return the settings
     */
    static RetrySettings within(Duration timeout, Duration maxDelay) {
        return RetrySettings.newBuilder()
                .setInitialRetryDelayDuration(Duration.ofMillis(100))
                .setRetryDelayMultiplier(2)
                .setMaxRetryDelayDuration(maxDelay)
                .setInitialRpcTimeoutDuration(timeout)
                .setRpcTimeoutMultiplier(1)
                .setMaxRpcTimeoutDuration(timeout)
                .setTotalTimeoutDuration(timeout)
                .build();
    }
}
