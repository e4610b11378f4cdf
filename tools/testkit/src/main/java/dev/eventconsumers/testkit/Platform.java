package dev.eventconsumers.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a delivering platform does with a service, for tests: sends as many requests at once as the service's container
 * concurrency lets through, and delivers again every one answered 503 (after its {@code Retry-After}, shortened), as
 * Eventarc and Knative do, until each has a final answer. Any other 5xx, or a 503 without {@code Retry-After}, fails.
 */
public final class Platform {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Platform() {
    }

    /**
     * @param heapMiB the heap the service's manifest gives it: 75% of its container's memory
     * @throws AssertionError when this JVM runs with another heap
     */
    public static void requireHeap(long heapMiB) {
        long actual = Runtime.getRuntime().maxMemory() >> 20;
        if (actual > heapMiB) {
            throw new AssertionError("this test shows a bound in a " + heapMiB + " MiB heap; it runs in " + actual
                                             + " MiB (its surefire execution sets -Xmx)");
        }
    }

    /**
     * @param requests    what to deliver
     * @param concurrency how many at once (the service's container concurrency)
     * @param deadline    by when every request must have a final answer
     * @return the final answer of each request, in order
     */
    public static List<HttpResponse<String>> deliver(List<HttpRequest> requests, int concurrency, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        List<HttpResponse<String>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(concurrency)) {
            List<Future<HttpResponse<String>>> futures = new ArrayList<>();
            for (HttpRequest request : requests) {
                futures.add(pool.submit(untilFinal(request, end)));
            }
            for (Future<HttpResponse<String>> future : futures) {
                answers.add(future.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AssertionError a) {
                throw a;
            }
            throw new IllegalStateException(e.getCause());
        }
        return answers;
    }

    /**
     * A body the client sends straight from {@code data}, in read-only slices: the JDK's {@code ofByteArray} copies
     * the whole array for every send, and 50 senders of 16 MiB in the service's own bounded heap would measure the
     * client, not the service.
     *
     * @param data the body, shared by every request that sends it
     * @return a publisher with a known length (so requests carry {@code Content-Length})
     */
    public static HttpRequest.BodyPublisher body(byte[] data) {
        Flow.Publisher<java.nio.ByteBuffer> slices = subscriber -> subscriber.onSubscribe(new Flow.Subscription() {
            private static final int SLICE = 64 * 1024;
            private final AtomicLong position = new AtomicLong();
            private final AtomicBoolean done = new AtomicBoolean();

            @Override
            public synchronized void request(long n) {
                for (long i = 0; i < n && !done.get(); i++) {
                    int from = (int) position.get();
                    if (from >= data.length) {
                        done.set(true);
                        subscriber.onComplete();
                        return;
                    }
                    int length = Math.min(SLICE, data.length - from);
                    position.addAndGet(length);
                    subscriber.onNext(java.nio.ByteBuffer.wrap(data, from, length).slice().asReadOnlyBuffer());
                }
                if (position.get() >= data.length && done.compareAndSet(false, true)) {
                    subscriber.onComplete();
                }
            }

            @Override
            public void cancel() {
                done.set(true);
            }
        });
        return HttpRequest.BodyPublishers.fromPublisher(slices, data.length);
    }

    private static Callable<HttpResponse<String>> untilFinal(HttpRequest request, long end) {
        return () -> {
            while (true) {
                HttpResponse<String> answer;
                try {
                    answer = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    throw new UncheckedIOException("the service did not answer (did it die?)", e);
                }
                if (answer.statusCode() >= 500 && answer.statusCode() != 503) {
                    throw new AssertionError(answer.statusCode() + ": " + answer.body());
                }
                if (answer.statusCode() != 503) {
                    return answer;
                }
                if (answer.headers().firstValue("Retry-After").isEmpty()) {
                    throw new AssertionError("503 without Retry-After: " + answer.body());
                }
                if (System.nanoTime() > end) {
                    throw new AssertionError("still 503 at the deadline: " + answer.body());
                }
                Thread.sleep(100);
            }
        };
    }
}
