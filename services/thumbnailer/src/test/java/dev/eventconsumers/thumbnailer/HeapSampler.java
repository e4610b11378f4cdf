package dev.eventconsumers.thumbnailer;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/** Samples the heap in use every few milliseconds on a daemon thread and keeps the largest value seen. */
final class HeapSampler implements AutoCloseable {
    private final AtomicLong peak = new AtomicLong();
    private final Thread thread;

    HeapSampler(long everyMillis) {
        thread = Thread.ofPlatform().daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                peak.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
                try {
                    Thread.sleep(everyMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Forget what was seen so far. */
    void reset() {
        peak.set(0);
    }

    /** @return the largest heap in use seen, in MiB */
    long peakMiB() {
        return peak.get() >> 20;
    }

    @Override
    public void close() {
        thread.interrupt();
    }
}
