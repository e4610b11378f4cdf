package dev.eventconsumers.dailyreport;

import com.google.api.gax.rpc.ApiException;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import dev.eventconsumers.orders.OrderStore;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A range query on {@code orders.createdAt} (single-field index, automatic), ordered by creation time and id, read
 * in pages with a cursor and only the fields the report needs: never a scan of the collection, never a day in memory.
 */
final class FirestoreOrderSource implements OrderSource {
    static final int PAGE = 1000;
    private final Supplier<Firestore> firestore;

    FirestoreOrderSource(Firestore firestore) {
        this(() -> firestore);
    }

    /** @param firestore the client, waited for on first use (one built in the background while the service starts) */
    FirestoreOrderSource(Supplier<Firestore> firestore) {
        this.firestore = firestore;
    }

    @Override
    public void forEachCreated(Instant from, Instant to, Consumer<Row> visit) {
        Query range = firestore.get().collection("orders")
                .whereGreaterThanOrEqualTo("createdAt", timestamp(from))
                .whereLessThan("createdAt", timestamp(to))
                .orderBy("createdAt").orderBy(FieldPath.documentId())
                .select("totalCents", "currency", "status", "items", "createdAt")
                .limit(PAGE);
        QueryDocumentSnapshot last = null;
        while (true) {
            List<QueryDocumentSnapshot> page;
            try {
                page = (last == null ? range : range.startAfter(last)).get().get().getDocuments();
            } catch (ExecutionException e) {
                throw new OrderStore.StoreUnavailableException("reading orders failed: " + e.getCause(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new OrderStore.StoreUnavailableException("interrupted while reading orders", e);
            } catch (ApiException e) {
                throw new OrderStore.StoreUnavailableException("reading orders failed: " + e.getMessage(), e);
            }
            for (QueryDocumentSnapshot document : page) {
                Object items = document.get("items");
                Long cents = document.getLong("totalCents");
                Timestamp created = document.getTimestamp("createdAt");
                String currency = document.getString("currency");
                visit.accept(new Row(cents == null ? 0 : cents, currency == null ? "USD" : currency,
                                     String.valueOf(document.getString("status")),
                                     items instanceof List<?> list ? list.stream().map(String::valueOf).toList()
                                             : List.of(),
                                     Instant.ofEpochSecond(created.getSeconds(), created.getNanos())));
            }
            if (page.size() < PAGE) {
                return;
            }
            last = page.getLast();
        }
    }

    private static Timestamp timestamp(Instant instant) {
        return Timestamp.ofTimeSecondsAndNanos(instant.getEpochSecond(), instant.getNano());
    }
}
