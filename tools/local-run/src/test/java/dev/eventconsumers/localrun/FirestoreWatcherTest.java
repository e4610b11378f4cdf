package dev.eventconsumers.localrun;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import com.google.cloud.firestore.Firestore;
import com.google.events.cloud.firestore.v1.DocumentEventData;
import dev.eventconsumers.orders.FirestoreOrderStore;
import dev.eventconsumers.testkit.FirestoreEmulator;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Changes in Google's Firestore emulator, heard through its listen API, as DocumentEventData in protobuf. */
class FirestoreWatcherTest {

    @Test
    void updateCreateAndDeleteAreWrittenEventsWithValueOldValueAndMask() throws Exception {
        FirestoreEmulator emulator = FirestoreEmulator.shared();
        String collection = "orders" + System.nanoTime();
        try (Firestore db = FirestoreOrderStore.emulatorClient(FirestoreEmulator.PROJECT, emulator.host());
             CapturingSubscriber subscriber = new CapturingSubscriber()) {
            db.collection(collection).document("a").set(Map.of("status", "CREATED", "cents", 4250L,
                                                                "address", Map.of("city", "Oslo", "zip", "0150"))).get();
            DeliveryLog log = new DeliveryLog(new PrintStream(new ByteArrayOutputStream()), ZoneOffset.UTC);
            FirestoreWatcher watcher = new FirestoreWatcher(db, FirestoreEmulator.PROJECT, collection,
                                                            subscriber.broker(0, log), log);
            watcher.start();
            try {
                db.collection(collection).document("a").set(Map.of("status", "PAID", "cents", 4250L,
                                                                    "address", Map.of("city", "Oslo", "zip", "0151")))
                        .get();
                CapturingSubscriber.Received update = subscriber.await(1).getFirst();
                assertEquals("google.cloud.firestore.document.v1.written", update.attributes().get("type"));
                assertEquals("documents/" + collection + "/a", update.attributes().get("subject"));
                assertEquals("//firestore.googleapis.com/projects/demo-orders/databases/(default)",
                             update.attributes().get("source"));
                assertEquals(collection + "/a", update.attributes().get("document"));
                assertEquals("application/protobuf", update.contentType());
                DocumentEventData data = DocumentEventData.parseFrom(update.body());
                assertEquals("PAID", data.getValue().getFieldsOrThrow("status").getStringValue());
                assertEquals("CREATED", data.getOldValue().getFieldsOrThrow("status").getStringValue());
                assertEquals(4250, data.getValue().getFieldsOrThrow("cents").getIntegerValue());
                assertEquals(List.of("address.zip", "status"), data.getUpdateMask().getFieldPathsList());
                assertEquals("projects/demo-orders/databases/(default)/documents/" + collection + "/a",
                             data.getValue().getName());
                assertTrue(data.getValue().getUpdateTime().getSeconds() > 0);

                db.collection(collection).document("b").set(Map.of("status", "CREATED")).get();
                DocumentEventData created = DocumentEventData.parseFrom(subscriber.await(2).get(1).body());
                assertTrue(created.hasValue());
                assertFalse(created.hasOldValue(), "a create has no old value");
                assertEquals(0, created.getUpdateMask().getFieldPathsCount());

                db.collection(collection).document("a").delete().get();
                CapturingSubscriber.Received deleted = subscriber.await(3).get(2);
                assertEquals("documents/" + collection + "/a", deleted.attributes().get("subject"));
                DocumentEventData gone = DocumentEventData.parseFrom(deleted.body());
                assertFalse(gone.hasValue(), "a delete has no value");
                assertEquals("PAID", gone.getOldValue().getFieldsOrThrow("status").getStringValue());
            } finally {
                watcher.stop();
            }
        }
    }
}
