package dev.eventconsumers.orders;

import dev.eventconsumers.telemetry.Tracing;
import com.google.api.core.ApiFuture;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.ServiceOptions;
import com.google.cloud.Timestamp;
import com.google.cloud.firestore.CollectionReference;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.FieldPath;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.FirestoreOptions;
import com.google.cloud.firestore.Precondition;
import com.google.cloud.firestore.Query;
import com.google.cloud.firestore.QueryDocumentSnapshot;
import com.google.cloud.firestore.TransactionOptions;
import com.google.cloud.firestore.WriteBatch;
import com.google.cloud.firestore.WriteResult;
import dev.eventconsumers.runtime.Background;
import dev.eventconsumers.runtime.GcpProject;
import io.helidon.config.Config;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Orders in Firestore {@code orders/{orderId}} with the field names of DESIGN.md. Versions are update times in
 * microseconds; a replace carries an {@code updateTime} precondition, so a concurrent change fails it instead of
 * being overwritten. Listing by customer needs the composite index {@code customerId ASC, createdAt DESC}
 * ({@code firestore.indexes.json}).
 */
public final class FirestoreOrderStore implements OrderStore {
    static final String COLLECTION = "orders";
    /** Idempotency keys, by a hash of customer and key; a TTL policy on {@code expireAt} may delete them. */
    static final String IDEMPOTENCY = "idempotencyKeys";
    static final Duration KEEP_IDEMPOTENCY_KEYS = Duration.ofHours(24);
    /**
     * Transaction bodies block on their reads: they run on virtual threads, never on the client's gRPC threads that
     * deliver those reads (concurrent transactions on those threads can deadlock).
     */
    static final java.util.concurrent.Executor TRANSACTION_BODIES =
            java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
    /** How long a create whose commit got no answer reads back whether it landed. */
    static final Duration READ_BACK = Duration.ofSeconds(2);
    private static final Logger LOGGER = Logger.getLogger(FirestoreOrderStore.class.getName());
    private final Supplier<Firestore> firestore;

    /**
     * @param firestore the client
     */
    public FirestoreOrderStore(Firestore firestore) {
        this(() -> firestore);
    }

    /** @param firestore the client, waited for on first use (one built in the background while the service starts) */
    public FirestoreOrderStore(Supplier<Firestore> firestore) {
        this.firestore = firestore;
    }

    /**
     * @param projectId project
     * @param host      {@code host:port} of Google's Firestore emulator
     * @return a client for it (tests, the local run), giving up on a call after 10 s
     */
    public static Firestore emulatorClient(String projectId, String host) {
        return client(Optional.of(projectId), Optional.of(host), Duration.ofSeconds(10));
    }

    /**
     * @param projectId    project; without one the client asks the environment (the metadata server on Google Cloud)
     * @param emulatorHost {@code host:port} of the Firestore emulator, if one is used
     * @param timeout      how long one call may retry before it fails (and the service answers 503)
     * @return a client ({@code FirestoreOptions.getDefaultInstance().toBuilder()} fails without credentials, so the
     *         options are built from scratch)
     */
    public static Firestore client(Optional<String> projectId, Optional<String> emulatorHost, Duration timeout) {
        return client(project(projectId), emulatorHost, timeout);
    }

    /**
     * The client the service's settings describe, built on a background thread started now ({@link Background}); the
     * project is settled now, so a missing one still fails the start.
     *
     * @param config the root config: {@code gcp.project}, {@code firestore.timeout}, and {@code firestore.emulator.host}
     *               (env {@code FIRESTORE_EMULATOR_HOST}) for Google's emulator
     * @return the client; {@code get()} waits for it
     */
    public static Supplier<Firestore> clientInBackground(Config config) {
        String project = project(GcpProject.of(config));
        Optional<String> emulatorHost = config.get("firestore.emulator.host").asString().asOptional();
        Duration timeout = config.get("firestore.timeout").as(Duration.class).get();
        return Background.start("firestore-client", () -> client(project, emulatorHost, timeout));
    }

    private static String project(Optional<String> projectId) {
        String project = projectId.orElseGet(ServiceOptions::getDefaultProjectId);
        if (project == null || project.isBlank()) {
            throw new IllegalStateException("no Google Cloud project: set GCP_PROJECT (or run where the metadata "
                                                    + "server names one)");
        }
        return project;
    }

    private static Firestore client(String project, Optional<String> emulatorHost, Duration timeout) {
        FirestoreOptions.Builder options = FirestoreOptions.newBuilder().setProjectId(project)
                .setRetrySettings(BoundedRetries.within(timeout, Duration.ofSeconds(2)));
        // The client's own emulator settings (plaintext, the emulator's "owner" credentials). A plaintext channel with
        // NoCredentials reads and writes too, but its snapshot listeners never hear back.
        emulatorHost.filter(h -> !h.isBlank()).ifPresent(options::setEmulatorHost);
        return options.build().getService();
    }

    private CollectionReference orders() {
        return firestore.get().collection(COLLECTION);
    }

    @Override
    public Versioned create(Order order) {
        return create(order, List.of(), Optional.empty()).order();
    }

    /**
     * One batch: the idempotency record (if any), the order and its outbox messages are all committed or none is.
     * A batch that fails because the key exists already is answered from what that key made.
     */
    @Override
    public Created create(Order order, List<OutboxMessage> outbox, Optional<IdempotencyKey> key) {
        return Tracing.client("firestore commit order", "firestore", () -> createTraced(order, outbox, key));
    }

    private Created createTraced(Order order, List<OutboxMessage> outbox, Optional<IdempotencyKey> key) {
        WriteBatch batch = firestore.get().batch();
        Optional<DocumentReference> keyDocument = key.map(k -> firestore.get().collection(IDEMPOTENCY)
                .document(k.documentId()));
        keyDocument.ifPresent(document -> batch.create(document, Map.of(
                "orderId", order.orderId(),
                "requestHash", key.get().requestHash(),
                "createdAt", timestamp(order.createdAt()),
                "expireAt", timestamp(order.createdAt().plus(KEEP_IDEMPOTENCY_KEYS)))));
        DocumentReference orderDocument = orders().document(order.orderId());
        batch.create(orderDocument, fields(order));
        outbox.forEach(message -> FirestoreOutbox.queue(batch, firestore.get(), message));
        try {
            List<WriteResult> results = await(batch.commit());
            return new Created(new Versioned(order, micros(results.get(keyDocument.isPresent() ? 1 : 0).getUpdateTime())),
                               false);
        } catch (ApiException e) {
            StatusCode.Code code = e.getStatusCode().getCode();
            if (code != StatusCode.Code.ALREADY_EXISTS) {
                boolean unanswered = code == StatusCode.Code.DEADLINE_EXCEEDED || code == StatusCode.Code.UNAVAILABLE;
                return (unanswered ? landed(orderDocument, order) : Optional.<Created>empty())
                        .orElseThrow(() -> translate(e, "create " + order.orderId()));
            }
        }
        if (keyDocument.isPresent()) {
            Optional<Created> replay = replay(keyDocument.get(), key.get());
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        throw new AlreadyExistsException(order.orderId());
    }

    /**
     * Whether a commit that got no answer (its deadline ran out waiting for the reply, the connection broke) landed
     * all the same, as it can: the order's id is new, so its document exists only if this batch made it, and the
     * batch is atomic, so its idempotency record and outbox messages are there too. Answering 503 instead would have
     * a client without an Idempotency-Key retry into a second order. One read, bounded by {@link #READ_BACK}; if it
     * fails as well, the caller answers 503 as before.
     */
    private Optional<Created> landed(DocumentReference orderDocument, Order order) {
        ApiFuture<DocumentSnapshot> read = orderDocument.get();
        try {
            DocumentSnapshot snapshot = read.get(READ_BACK.toMillis(), TimeUnit.MILLISECONDS);
            if (snapshot.exists() && order.customerId().equals(snapshot.getString("customerId"))) {
                LOGGER.info(() -> "the commit of order " + order.orderId() + " got no answer, but it landed");
                return Optional.of(new Created(new Versioned(order, micros(snapshot.getUpdateTime())), false));
            }
        } catch (ExecutionException | TimeoutException e) {
            read.cancel(true);
        } catch (InterruptedException e) {
            read.cancel(true);
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    private Optional<Created> replay(DocumentReference keyDocument, IdempotencyKey key) {
        try {
            DocumentSnapshot seen = await(keyDocument.get());
            if (!seen.exists()) {
                return Optional.empty();
            }
            if (!key.requestHash().equals(seen.getString("requestHash"))) {
                throw new IdempotencyConflictException("the Idempotency-Key was used before with a different request");
            }
            String orderId = seen.getString("orderId");
            Versioned order = get(orderId).orElseThrow(() -> new IdempotencyConflictException(
                    "the Idempotency-Key made order " + orderId + ", which has been deleted since"));
            return Optional.of(new Created(order, true));
        } catch (ApiException e) {
            throw translate(e, "read idempotency key");
        }
    }

    @Override
    public Optional<Versioned> get(String orderId) {
        return Tracing.client("firestore get order", "firestore", () -> getTraced(orderId));
    }

    private Optional<Versioned> getTraced(String orderId) {
        try {
            DocumentSnapshot snapshot = await(orders().document(orderId).get());
            return snapshot.exists() ? Optional.of(new Versioned(order(snapshot), micros(snapshot.getUpdateTime())))
                    : Optional.empty();
        } catch (ApiException e) {
            throw translate(e, "get " + orderId);
        }
    }

    @Override
    public Versioned replace(Order order, long expectedVersion) {
        return Tracing.client("firestore update order", "firestore", () -> replaceTraced(order, expectedVersion));
    }

    private Versioned replaceTraced(Order order, long expectedVersion) {
        DocumentReference document = orders().document(order.orderId());
        try {
            WriteResult result = await(document.update(fields(order), Precondition.updatedAt(timestamp(expectedVersion))));
            return new Versioned(order, micros(result.getUpdateTime()));
        } catch (ApiException e) {
            StatusCode.Code code = e.getStatusCode().getCode();
            if (code == StatusCode.Code.FAILED_PRECONDITION || code == StatusCode.Code.NOT_FOUND) {
                throw new ConcurrentChangeException(order.orderId());
            }
            throw translate(e, "replace " + order.orderId());
        }
    }

    @Override
    public boolean delete(String orderId) {
        return Tracing.client("firestore delete order", "firestore", () -> deleteTraced(orderId));
    }

    private boolean deleteTraced(String orderId) {
        DocumentReference document = orders().document(orderId);
        try {
            // Read and delete in one transaction, so that the answer is about this delete.
            return await(firestore.get().runTransaction(tx -> {
                if (!tx.get(document).get().exists()) {
                    return false;
                }
                tx.delete(document);
                return true;
            }, TransactionOptions.createReadWriteOptionsBuilder().setExecutor(TRANSACTION_BODIES).build()));
        } catch (ApiException e) {
            throw translate(e, "delete " + orderId);
        }
    }

    @Override
    public Page listByCustomer(String customerId, int limit, Optional<String> pageToken) {
        return Tracing.client("firestore query orders", "firestore", () -> listByCustomerTraced(customerId, limit, pageToken));
    }

    private Page listByCustomerTraced(String customerId, int limit, Optional<String> pageToken) {
        Query query = orders().whereEqualTo("customerId", customerId)
                .orderBy("createdAt", Query.Direction.DESCENDING)
                .orderBy(FieldPath.documentId(), Query.Direction.DESCENDING)
                .limit(limit + 1);
        if (pageToken.isPresent()) {
            Cursor cursor = Cursor.decode(pageToken.get());
            query = query.startAfter(timestamp(cursor.createdMicros()), orders().document(cursor.orderId()));
        }
        try {
            List<QueryDocumentSnapshot> documents = await(query.get()).getDocuments();
            List<Order> page = new ArrayList<>();
            for (QueryDocumentSnapshot document : documents.subList(0, Math.min(limit, documents.size()))) {
                page.add(order(document));
            }
            Optional<String> next = documents.size() > limit
                    ? Optional.of(new Cursor(micros(page.getLast().createdAt()), page.getLast().orderId()).encode())
                    : Optional.empty();
            return new Page(page, next);
        } catch (ApiException e) {
            throw translate(e, "list orders of " + customerId);
        }
    }

    /** Where a page ends: the last order's creation time and id, opaque to clients. */
    record Cursor(long createdMicros, String orderId) {
        String encode() {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString((createdMicros + "|" + orderId).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String token) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                int bar = text.indexOf('|');
                String id = text.substring(bar + 1);
                if (bar < 1 || !OrderIds.valid(id)) {
                    throw new IllegalArgumentException("not a page token");
                }
                return new Cursor(Long.parseLong(text.substring(0, bar)), id);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("page_token is not a token this service made", e);
            }
        }
    }

    static Map<String, Object> fields(Order order) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("orderId", order.orderId());
        fields.put("customerId", order.customerId());
        fields.put("totalCents", order.totalCents());
        fields.put("currency", order.currency());
        fields.put("items", order.items());
        fields.put("status", order.status().name());
        fields.put("createdAt", timestamp(order.createdAt()));
        fields.put("updatedAt", timestamp(order.updatedAt()));
        // The trace of the request that wrote it: the search indexer's event continues it.
        Tracing.traceparent().ifPresent(traceparent -> fields.put("traceparent", traceparent));
        return fields;
    }

    @SuppressWarnings("unchecked")
    static Order order(DocumentSnapshot snapshot) {
        List<Object> items = (List<Object>) snapshot.get("items");
        return new Order(snapshot.getId(), snapshot.getString("customerId"),
                         snapshot.getLong("totalCents"), snapshot.getString("currency"),
                         items == null ? List.of() : items.stream().map(String::valueOf).toList(),
                         OrderStatus.valueOf(snapshot.getString("status")),
                         instant(snapshot.getTimestamp("createdAt")), instant(snapshot.getTimestamp("updatedAt")));
    }

    static long micros(Timestamp timestamp) {
        return timestamp.getSeconds() * 1_000_000L + timestamp.getNanos() / 1_000;
    }

    static long micros(Instant instant) {
        return instant.getEpochSecond() * 1_000_000L + instant.getNano() / 1_000;
    }

    static Timestamp timestamp(long micros) {
        return Timestamp.ofTimeMicroseconds(micros);
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.ofTimeSecondsAndNanos(instant.getEpochSecond(), instant.getNano());
    }

    static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    static <T> T await(Future<T> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof ApiException api) {
                throw api;
            }
            throw new StoreUnavailableException("Firestore failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreUnavailableException("interrupted while waiting for Firestore", e);
        }
    }

    static RuntimeException translate(ApiException e, String what) {
        return switch (e.getStatusCode().getCode()) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL, UNKNOWN ->
                    new StoreUnavailableException(what + " failed: " + e.getMessage(), e);
            default -> e;
        };
    }
}
