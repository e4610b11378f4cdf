package dev.eventconsumers.thumbnailer;

import java.util.concurrent.Semaphore;

/**
 * Bounds the pixels decoded at once across concurrent events, so that many large uploads arriving together wait
 * for each other instead of exhausting the heap. An image larger than the whole budget takes all of it.
 */
public final class PixelBudget {
    private static final long UNIT = 1024; // permits count kibipixels so that budgets beyond 2^31 pixels fit
    private final Semaphore permits;
    private final int total;

    /**
     * @param pixels how many pixels may be held at once
     */
    public PixelBudget(long pixels) {
        if (pixels < UNIT) {
            throw new IllegalArgumentException("a pixel budget below " + UNIT + " pixels is useless: " + pixels);
        }
        this.total = (int) Math.min(Integer.MAX_VALUE, pixels / UNIT);
        this.permits = new Semaphore(total, true);
    }

    /** A share of the budget, given back on close. */
    public final class Lease implements AutoCloseable {
        private final int units;
        private boolean closed;

        private Lease(int units) {
            this.units = units;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                permits.release(units);
            }
        }
    }

    /**
     * @param pixels pixels about to be held
     * @return the lease, once that many are free
     * @throws InterruptedException when interrupted while waiting
     */
    public Lease acquire(long pixels) throws InterruptedException {
        int units = (int) Math.max(1, Math.min(total, (pixels + UNIT - 1) / UNIT));
        permits.acquire(units);
        return new Lease(units);
    }

}
