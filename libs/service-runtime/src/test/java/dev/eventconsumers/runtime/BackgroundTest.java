package dev.eventconsumers.runtime;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackgroundTest {
    @Test
    void buildsAtOnceOnItsOwnThreadAndOnlyOnce() throws Exception {
        CountDownLatch built = new CountDownLatch(1);
        AtomicReference<Thread> builder = new AtomicReference<>();
        AtomicInteger builds = new AtomicInteger();
        Supplier<Object> client = Background.start("test-client", () -> {
            builder.set(Thread.currentThread());
            builds.incrementAndGet();
            built.countDown();
            return new Object();
        });
        // Nobody asked for it yet: it is being built anyway.
        assertTrue(built.await(10, TimeUnit.SECONDS));
        assertNotEquals(Thread.currentThread(), builder.get());
        assertEquals("test-client", builder.get().getName());
        assertTrue(builder.get().isDaemon(), "a client being built must not keep a failed start's JVM alive");
        assertSame(client.get(), client.get());
        assertEquals(1, builds.get());
    }

    @Test
    void theFirstUseWaitsAndGetsWhatBuildingThrew() {
        CountDownLatch release = new CountDownLatch(1);
        Supplier<Object> client = Background.start("test-client", () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("no Google Cloud project");
        });
        release.countDown();
        IllegalStateException e = assertThrows(IllegalStateException.class, client::get);
        assertEquals("no Google Cloud project", e.getMessage());
        assertThrows(IllegalStateException.class, client::get);
    }
}
