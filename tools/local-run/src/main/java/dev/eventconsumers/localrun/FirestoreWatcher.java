package dev.eventconsumers.localrun;

import dev.eventconsumers.cloudevents.EventTypes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.regex.Pattern;

import com.google.cloud.Timestamp;
import com.google.cloud.firestore.Blob;
import com.google.cloud.firestore.DocumentChange;
import com.google.cloud.firestore.DocumentReference;
import com.google.cloud.firestore.DocumentSnapshot;
import com.google.cloud.firestore.Firestore;
import com.google.cloud.firestore.GeoPoint;
import com.google.cloud.firestore.ListenerRegistration;
import com.google.cloud.firestore.QuerySnapshot;
import com.google.events.cloud.firestore.v1.ArrayValue;
import com.google.events.cloud.firestore.v1.Document;
import com.google.events.cloud.firestore.v1.DocumentEventData;
import com.google.events.cloud.firestore.v1.DocumentMask;
import com.google.events.cloud.firestore.v1.MapValue;
import com.google.events.cloud.firestore.v1.Value;
import com.google.protobuf.ByteString;
import com.google.protobuf.NullValue;
import com.google.type.LatLng;

/**
 * Eventarc's {@code google.cloud.firestore.document.v1.written} for one collection of the Firestore emulator, seen
 * through its listen API (a snapshot listener): each added, changed or removed document becomes a
 * {@code DocumentEventData} in protobuf, with {@code value} (absent for a delete), {@code old_value} (absent for a
 * create) and, for an update, the {@code update_mask} of the field paths that differ. The documents present when
 * the listener starts are its baseline, not events. Unlike Firestore's triggers a listener may fold two quick writes
 * of one document into one change: the event then carries the latest value and the last one it saw before.
 */
final class FirestoreWatcher {
    private static final Pattern SIMPLE_FIELD = Pattern.compile("[A-Za-z_][A-Za-z_0-9]*");

    private final Firestore firestore;
    private final String project;
    private final String collection;
    private final Broker broker;
    private final DeliveryLog log;
    private final Map<String, DocumentSnapshot> last = new HashMap<>();
    private volatile ListenerRegistration registration;
    private volatile boolean running = true;
    private boolean baseline;

    FirestoreWatcher(Firestore firestore, String project, String collection, Broker broker, DeliveryLog log) {
        this.firestore = firestore;
        this.project = project;
        this.collection = collection;
        this.broker = broker;
        this.log = log;
    }

    /** Starts listening; waits (at most 30 s) for the first snapshot, the baseline. */
    void start() throws InterruptedException {
        java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(1);
        listen(first);
        if (!first.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException("the Firestore emulator sent no snapshot of " + collection + " in 30 s");
        }
    }

    private void listen(java.util.concurrent.CountDownLatch first) {
        baseline = true;
        registration = firestore.collection(collection).addSnapshotListener((snapshot, error) -> {
            if (error != null) {
                if (running) {
                    log.note("Firestore listener on " + collection + ": " + error.getMessage() + "; listening again");
                    Thread.ofVirtual().start(() -> {
                        try {
                            Thread.sleep(1000);
                            listen(new java.util.concurrent.CountDownLatch(1));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    });
                }
                return;
            }
            onSnapshot(Objects.requireNonNull(snapshot));
            first.countDown();
        });
    }

    private synchronized void onSnapshot(QuerySnapshot snapshot) {
        if (baseline) {
            baseline = false;
            if (last.isEmpty()) {
                snapshot.getDocuments().forEach(d -> last.put(d.getId(), d));
                return;
            }
        }
        for (DocumentChange change : snapshot.getDocumentChanges()) {
            DocumentSnapshot document = change.getDocument();
            DocumentSnapshot before = last.get(document.getId());
            DocumentEventData.Builder data = DocumentEventData.newBuilder();
            Instant time;
            if (change.getType() == DocumentChange.Type.REMOVED) {
                last.remove(document.getId());
                data.setOldValue(document(before != null ? before : document));
                time = instant(snapshot.getReadTime());
            } else {
                if (before != null && Objects.equals(before.getUpdateTime(), document.getUpdateTime())) {
                    continue;
                }
                last.put(document.getId(), document);
                data.setValue(document(document));
                if (before != null) {
                    data.setOldValue(document(before));
                    List<String> paths = new ArrayList<>();
                    diff("", before.getData(), document.getData(), paths);
                    data.setUpdateMask(DocumentMask.newBuilder().addAllFieldPaths(paths));
                }
                time = instant(Objects.requireNonNull(document.getUpdateTime()));
            }
            publish(document.getId(), data.build(), time);
        }
    }

    private void publish(String id, DocumentEventData data, Instant time) {
        String document = collection + "/" + id;
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("specversion", "1.0");
        attributes.put("id", UUID.randomUUID().toString());
        attributes.put("source", "//firestore.googleapis.com/projects/" + project + "/databases/(default)");
        attributes.put("type", EventTypes.FIRESTORE_DOCUMENT_WRITTEN);
        attributes.put("subject", "documents/" + document);
        attributes.put("time", time.toString());
        attributes.put("dataschema", "https://github.com/googleapis/google-cloudevents/blob/main/proto/google/"
                + "events/cloud/firestore/v1/data.proto");
        attributes.put("database", "(default)");
        attributes.put("namespace", "(default)");
        attributes.put("document", document);
        attributes.put("location", "local");
        attributes.put("project", project);
        broker.publish(new Event(attributes, "application/protobuf", data.toByteArray()));
    }

    private Document document(DocumentSnapshot snapshot) {
        Document.Builder document = Document.newBuilder()
                .setName("projects/" + project + "/databases/(default)/documents/" + collection + "/"
                                 + snapshot.getId());
        Map<String, Object> fields = snapshot.getData();
        if (fields != null) {
            fields.forEach((name, value) -> document.putFields(name, value(value)));
        }
        if (snapshot.getCreateTime() != null) {
            document.setCreateTime(timestamp(snapshot.getCreateTime()));
        }
        if (snapshot.getUpdateTime() != null) {
            document.setUpdateTime(timestamp(snapshot.getUpdateTime()));
        }
        return document.build();
    }

    /** A value as the Java client reads it, as Firestore's wire format has it. */
    static Value value(Object value) {
        Value.Builder v = Value.newBuilder();
        switch (value) {
            case null -> v.setNullValue(NullValue.NULL_VALUE);
            case Boolean b -> v.setBooleanValue(b);
            case Long l -> v.setIntegerValue(l);
            case Integer i -> v.setIntegerValue(i);
            case Double d -> v.setDoubleValue(d);
            case String s -> v.setStringValue(s);
            case Timestamp t -> v.setTimestampValue(timestamp(t));
            case Blob b -> v.setBytesValue(ByteString.copyFrom(b.toBytes()));
            case GeoPoint g -> v.setGeoPointValue(LatLng.newBuilder().setLatitude(g.getLatitude())
                                                           .setLongitude(g.getLongitude()));
            case DocumentReference r -> v.setReferenceValue(r.getFirestore().getOptions().getProjectId() == null
                    ? r.getPath() : "projects/" + r.getFirestore().getOptions().getProjectId()
                    + "/databases/(default)/documents/" + r.getPath());
            case List<?> list -> {
                ArrayValue.Builder array = ArrayValue.newBuilder();
                list.forEach(item -> array.addValues(value(item)));
                v.setArrayValue(array);
            }
            case Map<?, ?> map -> {
                MapValue.Builder fields = MapValue.newBuilder();
                map.forEach((k, item) -> fields.putFields(k.toString(), value(item)));
                v.setMapValue(fields);
            }
            default -> throw new IllegalArgumentException("no Firestore value for " + value.getClass());
        }
        return v.build();
    }

    /** The field paths whose values differ, maps compared field by field. */
    static void diff(String prefix, Map<String, Object> before, Map<String, Object> after, List<String> paths) {
        Map<String, Object> b = before != null ? before : Map.of();
        Map<String, Object> a = after != null ? after : Map.of();
        java.util.Set<String> names = new java.util.TreeSet<>(b.keySet());
        names.addAll(a.keySet());
        for (String name : names) {
            String path = prefix + (SIMPLE_FIELD.matcher(name).matches() ? name : "`" + name.replace("`", "\\`") + "`");
            Object x = b.get(name);
            Object y = a.get(name);
            if (x instanceof Map<?, ?> mx && y instanceof Map<?, ?> my) {
                @SuppressWarnings("unchecked")
                Map<String, Object> cx = (Map<String, Object>) mx;
                @SuppressWarnings("unchecked")
                Map<String, Object> cy = (Map<String, Object>) my;
                diff(path + ".", cx, cy, paths);
            } else if (!b.containsKey(name) || !a.containsKey(name) || !Objects.equals(x, y)) {
                paths.add(path);
            }
        }
    }

    private static com.google.protobuf.Timestamp timestamp(Timestamp t) {
        return com.google.protobuf.Timestamp.newBuilder().setSeconds(t.getSeconds()).setNanos(t.getNanos()).build();
    }

    private static Instant instant(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    void stop() {
        running = false;
        ListenerRegistration r = registration;
        if (r != null) {
            r.remove();
        }
    }
}
