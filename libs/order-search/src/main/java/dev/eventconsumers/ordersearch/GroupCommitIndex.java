package dev.eventconsumers.ordersearch;

import dev.eventconsumers.telemetry.Meters;
import dev.eventconsumers.telemetry.Tracing;
import io.helidon.metrics.api.DistributionSummary;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Group commit: concurrent writes share one {@code _bulk} request, so one durable write (one translog fsync) serves
 * many events, while each write still returns only once its own document is durable, with its own result (written,
 * stale for a 409, rejected for a mapping error, unavailable for an outage or an overloaded node).
 * <p>
 * Writes that arrive while a bulk is in flight wait in a bounded queue; a flusher takes what is waiting, at most
 * {@code maxDocuments}, lingers up to {@code linger} for more when there are fewer, and sends them as one bulk. A full
 * queue makes writers wait (backpressure, nothing is dropped). {@link #close()} sends what is queued, then stops.
 */
public final class GroupCommitIndex implements SearchIndex, AutoCloseable {
    private static final Logger LOGGER = Logger.getLogger(GroupCommitIndex.class.getName());

    static io.helidon.metrics.api.Timer bulkDurations() {
        return Meters.timer("index.bulk.duration", "time of one bulk request, from send to its items' results");
    }

    static DistributionSummary bulkSizes() {
        return Meters.distribution("index.bulk.size", "documents per bulk request", "documents",
                                   new double[] {1, 2, 4, 8, 16, 32, 64, 128, 256});
    }

    private record Pending(OpenSearchIndex.Document document, CompletableFuture<Written> result) {
    }

    private final OpenSearchIndex index;
    private final int maxDocuments;
    private final Duration linger;
    private final BlockingQueue<Pending> queue;
    private final List<Thread> flushers = new ArrayList<>();
    private volatile boolean closing;
    /** What {@link #close()} queues for each flusher: it wakes one that waits on an empty queue, and is no document. */
    private static final Pending WAKE_UP = new Pending(null, null);

    /**
     * @param index        where documents go
     * @param maxDocuments most documents per bulk
     * @param linger       how long a flusher waits for more documents when it has fewer than {@code maxDocuments}
     * @param queue        most documents waiting
     * @param flushers     bulks in flight at once
     */
    public GroupCommitIndex(OpenSearchIndex index, int maxDocuments, Duration linger, int queue, int flushers) {
        if (maxDocuments < 1 || queue < 1 || flushers < 1 || linger.isNegative()) {
            throw new IllegalArgumentException("group commit needs positive sizes and a non-negative linger");
        }
        this.index = index;
        this.maxDocuments = maxDocuments;
        this.linger = linger;
        this.queue = new ArrayBlockingQueue<>(queue);
        Meters.registerSoon(() -> {
            bulkSizes();
            bulkDurations();
        });
        for (int i = 0; i < flushers; i++) {
            this.flushers.add(Thread.ofVirtual().name("opensearch-bulk-" + i).start(this::run));
        }
    }

    /**
     * @param index  where documents go
     * @param config the {@code opensearch.bulk} node: {@code max-documents}, {@code linger}, {@code queue},
     *               {@code flushers}
     * @return the writer
     */
    public static GroupCommitIndex fromConfig(OpenSearchIndex index, io.helidon.config.Config config) {
        return new GroupCommitIndex(index, config.get("max-documents").asInt().orElse(64),
                                    config.get("linger").as(Duration.class).orElse(Duration.ZERO),
                                    config.get("queue").asInt().orElse(1024), config.get("flushers").asInt().orElse(1));
    }

    @Override
    public Written write(String id, long version, Map<String, Object> source) {
        if (closing) {
            throw new SearchUnavailableException("the index writer is shutting down", null);
        }
        Pending pending = new Pending(new OpenSearchIndex.Document(id, version, source), new CompletableFuture<>());
        try {
            queue.put(pending);
            // Bounded, should the writer stop between the check above and the put.
            return pending.result().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SearchUnavailableException("interrupted while waiting for the bulk write of " + id, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new SearchUnavailableException("no bulk answered for " + id + " within 60 s", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new SearchUnavailableException("bulk write of " + id + " failed: " + e.getCause(), e.getCause());
        } finally {
            Tracing.current().ifPresent(span -> span.attribute("opensearch.group_commit", true));
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(maxDocuments);
        while (!closing || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null || first == WAKE_UP) {
                    continue;
                }
                batch.add(first);
                drainInto(batch);
                if (batch.size() < maxDocuments && !linger.isZero()) {
                    long deadline = System.nanoTime() + linger.toNanos();
                    long left;
                    while (batch.size() < maxDocuments && (left = deadline - System.nanoTime()) > 0) {
                        Pending next = queue.poll(left, TimeUnit.NANOSECONDS);
                        if (next == null || next == WAKE_UP) {
                            break;
                        }
                        batch.add(next);
                        drainInto(batch);
                    }
                }
                flush(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                batch.forEach(p -> p.result().completeExceptionally(
                        new SearchUnavailableException("the index writer stopped", e)));
                return;
            } catch (RuntimeException | Error e) {
                // Never leave a writer waiting: whatever went wrong is that batch's outage.
                batch.forEach(p -> p.result().completeExceptionally(
                        new SearchUnavailableException("bulk failed: " + e, e)));
            } finally {
                batch.clear();
            }
        }
    }

    /** Whatever else is queued, up to a full batch; never a {@link #WAKE_UP}. */
    private void drainInto(List<Pending> batch) {
        queue.drainTo(batch, maxDocuments - batch.size());
        batch.removeIf(pending -> pending == WAKE_UP);
    }

    private void flush(List<Pending> batch) {
        bulkSizes().record(batch.size());
        List<Object> results;
        long began = System.nanoTime();
        try {
            results = index.writeAll(batch.stream().map(Pending::document).toList());
        } catch (RuntimeException e) {
            batch.forEach(p -> p.result().completeExceptionally(e));
            return;
        } finally {
            bulkDurations().record(System.nanoTime() - began, TimeUnit.NANOSECONDS);
        }
        for (int i = 0; i < batch.size(); i++) {
            Object result = results.get(i);
            if (result instanceof Written written) {
                batch.get(i).result().complete(written);
            } else {
                batch.get(i).result().completeExceptionally((RuntimeException) result);
            }
        }
    }

    /** Sends what is queued (writers waiting for it get their results), then stops the flushers. */
    @Override
    public void close() {
        closing = true;
        // Without it a flusher waiting on an empty queue noticed only when its poll timed out: every instance's
        // stop took up to 100 ms longer (SIGTERM to exit 100-124 ms in the image checks, 20-60 for the others).
        for (int i = 0; i < flushers.size(); i++) {
            queue.offer(WAKE_UP);
        }
        for (Thread flusher : flushers) {
            try {
                if (!flusher.join(Duration.ofSeconds(10))) {
                    LOGGER.warning("the index writer did not drain its queue within 10 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
