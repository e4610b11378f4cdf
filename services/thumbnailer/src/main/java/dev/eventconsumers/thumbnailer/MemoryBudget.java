package dev.eventconsumers.thumbnailer;

import java.util.concurrent.Semaphore;

/**
 * Bounds what concurrent events hold at once (pixels being decoded, source bytes being read), so that many large
 * uploads arriving together wait for each other instead of exhausting the heap. A request larger than the whole budget
 * takes all of it. Leases must be taken in one order (source bytes, then pixels) so that no two events wait on each
 * other.
 */
public final class MemoryBudget {
    private static final long UNIT = 1024; // permits count kibi-units so that budgets beyond 2^31 fit
    private final Semaphore permits;
    private final int total;

    /**
     * @param amount how much may be held at once (pixels, or bytes)
     */
    public MemoryBudget(long amount) {
        if (amount < UNIT) {
            throw new IllegalArgumentException("a budget below " + UNIT + " is useless: " + amount);
        }
        this.total = (int) Math.min(Integer.MAX_VALUE, amount / UNIT);
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
     * @param amount what is about to be held
     * @return the lease, once that much is free
     * @throws InterruptedException when interrupted while waiting
     */
    public Lease acquire(long amount) throws InterruptedException {
        int units = (int) Math.max(1, Math.min(total, (amount + UNIT - 1) / UNIT));
        permits.acquire(units);
        return new Lease(units);
    }

}
