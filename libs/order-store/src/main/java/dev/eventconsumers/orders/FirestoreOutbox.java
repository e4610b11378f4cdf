package dev.eventconsumers.orders;

import dev.eventconsumers.telemetry.Tracing;
import com.google.api.gax.rpc.ApiException;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.Blob;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.WriteBatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The outbox in Firestore {@code outbox/{id}}: {@code state} is {@code PENDING} until Pub/Sub accepted the message,
 * then {@code SENT} with {@code sentAt} and {@code expireAt} (a week later: set a Firestore TTL policy on
 * {@code outbox.expireAt} to have sent entries deleted). Listing pending messages needs the composite index
 * {@code state ASC, createdAt ASC} ({@code firestore.indexes.json}). Messages are queued by whoever commits the state
 * change, in the same commit ({@link #queue(WriteBatch, Firestore, OutboxMessage)}).
 */
public final class FirestoreOutbox implements Outbox {
    static final String COLLECTION = "outbox";
    static final String PENDING = "PENDING";
    static final String SENT = "SENT";
    /** How long sent entries are kept before the TTL policy may delete them. */
    static final Duration KEEP_SENT = Duration.ofDays(7);

    private final Supplier<Firestore> firestore;

    /** @param firestore the client */
    public FirestoreOutbox(Firestore firestore) {
        this(() -> firestore);
    }

    /** @param firestore the client, waited for on first use (one built in the background while the service starts) */
    public FirestoreOutbox(Supplier<Firestore> firestore) {
        this.firestore = firestore;
    }

    /**
     * Adds a message to a batch that commits a state change: the message exists if and only if the change does.
     * {@code create}, so a message queued twice fails the batch instead of being sent twice.
     *
     * @param batch     the commit of the change
     * @param firestore the client
     * @param message   the message
     */
    public static void queue(WriteBatch batch, Firestore firestore, OutboxMessage message) {
        batch.create(firestore.collection(COLLECTION).document(message.id()), fields(message));
    }

    /**
     * The transaction form of {@link #queue(WriteBatch, Firestore, OutboxMessage)}.
     *
     * @param transaction the transaction of the change
     * @param firestore   the client
     * @param message     the message
     */
    public static void queue(com.google.cloud.firestore.Transaction transaction, Firestore firestore,
                             OutboxMessage message) {
        transaction.create(firestore.collection(COLLECTION).document(message.id()), fields(message));
    }

    static Map<String, Object> fields(OutboxMessage message) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("topic", message.topic());
        fields.put("data", Blob.fromBytes(message.data()));
        fields.put("attributes", message.attributes());
        fields.put("orderingKey", message.orderingKey());
        fields.put("createdAt", FirestoreOrderStore.timestamp(message.createdAt()));
        fields.put("state", PENDING);
        return fields;
    }

    @Override
    public List<OutboxMessage> pending(int limit) {
        return Tracing.client("firestore query outbox", "firestore", () -> pendingTraced(limit));
    }

    private List<OutboxMessage> pendingTraced(int limit) {
        Query query = firestore.get().collection(COLLECTION).whereEqualTo("state", PENDING)
                .orderBy("createdAt", Query.Direction.ASCENDING).limit(limit);
        try {
            List<OutboxMessage> messages = new ArrayList<>();
            for (DocumentSnapshot document : FirestoreOrderStore.await(query.get()).getDocuments()) {
                messages.add(message(document));
            }
            return messages;
        } catch (ApiException e) {
            throw FirestoreOrderStore.translate(e, "list the pending outbox");
        }
    }

    @Override
    public void markSent(Collection<String> ids, Instant at) {
        Tracing.client("firestore update outbox", "firestore", () -> markSentTraced(ids, at));
    }

    private void markSentTraced(Collection<String> ids, Instant at) {
        if (ids.isEmpty()) {
            return;
        }
        Timestamp sentAt = FirestoreOrderStore.timestamp(at);
        Timestamp expireAt = FirestoreOrderStore.timestamp(at.plus(KEEP_SENT));
        try {
            // A batch holds at most 500 writes.
            List<String> all = List.copyOf(ids);
            for (int from = 0; from < all.size(); from += 500) {
                WriteBatch batch = firestore.get().batch();
                for (String id : all.subList(from, Math.min(all.size(), from + 500))) {
                    DocumentReference document = firestore.get().collection(COLLECTION).document(id);
                    batch.update(document, Map.of("state", SENT, "sentAt", sentAt, "expireAt", expireAt));
                }
                FirestoreOrderStore.await(batch.commit());
            }
        } catch (ApiException e) {
            throw FirestoreOrderStore.translate(e, "mark " + ids.size() + " outbox messages sent");
        }
    }

    @SuppressWarnings("unchecked")
    static OutboxMessage message(DocumentSnapshot document) {
        Blob data = document.getBlob("data");
        Map<String, String> attributes = (Map<String, String>) document.get("attributes");
        return new OutboxMessage(document.getId(), document.getString("topic"),
                                 data == null ? new byte[0] : data.toBytes(),
                                 attributes == null ? Map.of() : attributes,
                                 String.valueOf(document.getString("orderingKey")),
                                 FirestoreOrderStore.instant(document.getTimestamp("createdAt")));
    }
}
