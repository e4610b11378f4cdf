package dev.eventconsumers.dailyreport;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.Firestore;
import dev.eventconsumers.blobstore.BlobStore;
import dev.eventconsumers.blobstore.Buckets;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.testkit.FirestoreEmulator;
import dev.eventconsumers.orders.OrderStatus;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A day of many orders through the real report: seeds {@code --orders} orders (default 100,000) spread over
 * 2026-11-26 into Google's Firestore emulator, then times the report and reports the peak heap in use while it ran.
 * Run it with a small heap to show the report streams: {@code BENCH_JAVA_OPTS=-Xmx128m ./dev bench daily-report}.
 */
public final class DailyReportBenchmark {
    private DailyReportBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int orders = 100_000;
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--orders")) {
                orders = Integer.parseInt(args[i + 1]);
            }
        }
        FirestoreEmulator emulator = FirestoreEmulator.shared();
        emulator.reset();
        Firestore firestore = FirestoreOrderStore.emulatorClient(FirestoreEmulator.PROJECT, emulator.host());
        LocalDate day = LocalDate.parse("2026-11-26");
        Instant start = day.atStartOfDay(ZoneId.of("UTC")).toInstant();
        Random random = new Random(42);
        OrderStatus[] statuses = OrderStatus.values();
        long seedStart = System.nanoTime();
        long expectedCents = 0;
        // Batches of 500 (the most one commit takes), a few in flight. (BulkWriter hung in close() on the emulator.)
        List<com.google.api.core.ApiFuture<?>> inFlight = new java.util.ArrayList<>();
        com.google.cloud.firestore.WriteBatch writer = firestore.batch();
        {
            for (int i = 0; i < orders; i++) {
                Instant at = start.plusMillis(random.nextLong(86_400_000L));
                long cents = 1 + random.nextLong(10_000_000L);
                expectedCents += cents;
                Timestamp ts = Timestamp.ofTimeSecondsAndNanos(at.getEpochSecond(), at.getNano());
                writer.create(firestore.collection("orders").document("ORD-20261126-%08x".formatted(i)), Map.of(
                        "orderId", "ORD-20261126-%08x".formatted(i), "customerId", "cust-" + random.nextInt(5000),
                        "totalCents", cents, "currency", "USD",
                        "items", List.of("sku-" + random.nextInt(200), "sku-" + random.nextInt(200)),
                        "status", statuses[random.nextInt(statuses.length)].name(), "createdAt", ts, "updatedAt", ts));
                if ((i + 1) % 500 == 0 || i == orders - 1) {
                    inFlight.add(writer.commit());
                    writer = firestore.batch();
                    if (inFlight.size() == 4) {
                        for (com.google.api.core.ApiFuture<?> commit : inFlight) {
                            commit.get();
                        }
                        inFlight.clear();
                    }
                }
            }
            for (com.google.api.core.ApiFuture<?> commit : inFlight) {
                commit.get();
            }
        }
        System.out.printf("seeded %d orders in %.1f s%n", orders, (System.nanoTime() - seedStart) / 1e9);

        Path root = Files.createTempDirectory("report-bench");
        BlobStore reports = Buckets.filesystem(root).bucket("reports");
        MakeDailyReport report = new MakeDailyReport(new FirestoreOrderSource(firestore), reports, ZoneId.of("UTC"), 31,
                                                     Clock.systemUTC());
        System.gc();
        List<MemoryPoolMXBean> heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == MemoryType.HEAP).toList();
        heap.forEach(MemoryPoolMXBean::resetPeakUsage);
        long began = System.nanoTime();
        var outcome = report.handle(java.util.Optional.of(Instant.parse("2026-11-27T02:00:00Z")), new byte[0]);
        double seconds = (System.nanoTime() - began) / 1e9;
        long peak = heap.stream().mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        String json = new String(reports.read("reports/daily/2026-11-26.json").orElseThrow());
        long reported = DailyFigures.MAPPER.readTree(json).path("revenue").path("USD").path("revenue_cents").asLong();
        System.out.printf("report of %d orders: %.1f s (%.0f orders/s), peak heap in use %d MiB of max %d MiB; "
                                  + "revenue exact: %s; outcome %s%n",
                          orders, seconds, orders / seconds, peak >> 20,
                          Runtime.getRuntime().maxMemory() >> 20, reported == expectedCents, outcome);
        firestore.close();
        System.exit(reported == expectedCents ? 0 : 1);
    }
}
