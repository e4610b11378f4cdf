package dev.eventconsumers.searchindexer;

import com.google.events.cloud.firestore.v1.ArrayValue;
import com.google.events.cloud.firestore.v1.MapValue;
import com.google.events.cloud.firestore.v1.Value;
import com.google.protobuf.ByteString;
import com.google.protobuf.NullValue;
import com.google.type.LatLng;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class FirestoreValuesTest {

    @Test
    void everyValueTypeBecomesASensibleJsonValue() {
        assertEquals("text", FirestoreValues.toJson(OrderEvents.string("text")));
        assertEquals(9_007_199_254_740_993L, FirestoreValues.toJson(Value.newBuilder()
                .setIntegerValue(9_007_199_254_740_993L).build()), "int64 stays exact");
        assertEquals(12.5, FirestoreValues.toJson(Value.newBuilder().setDoubleValue(12.5).build()));
        assertEquals(true, FirestoreValues.toJson(Value.newBuilder().setBooleanValue(true).build()));
        assertNull(FirestoreValues.toJson(Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build()));
        assertEquals("2026-11-27T09:15:00.123456Z", FirestoreValues.toJson(Value.newBuilder().setTimestampValue(
                OrderEvents.timestamp(Instant.parse("2026-11-27T09:15:00.123456Z"))).build()));
        assertEquals("projects/p/databases/(default)/documents/customers/c1", FirestoreValues.toJson(
                Value.newBuilder().setReferenceValue("projects/p/databases/(default)/documents/customers/c1").build()));
        assertEquals("AQID", FirestoreValues.toJson(Value.newBuilder()
                .setBytesValue(ByteString.copyFrom(new byte[] {1, 2, 3})).build()));
        assertEquals(Map.of("lat", 48.85, "lon", 2.35), FirestoreValues.toJson(Value.newBuilder()
                .setGeoPointValue(LatLng.newBuilder().setLatitude(48.85).setLongitude(2.35)).build()));
        assertEquals(List.of("a", 1L), FirestoreValues.toJson(Value.newBuilder().setArrayValue(ArrayValue.newBuilder()
                .addValues(OrderEvents.string("a")).addValues(Value.newBuilder().setIntegerValue(1))).build()));
        assertEquals(Map.of("sku", "BK-1", "quantity", 2L), FirestoreValues.toJson(Value.newBuilder()
                .setMapValue(MapValue.newBuilder().putFields("sku", OrderEvents.string("BK-1"))
                                     .putFields("quantity", Value.newBuilder().setIntegerValue(2).build())).build()));
    }

    @Test
    void doublesJsonCannotHoldBecomeWords() {
        assertEquals("NaN", FirestoreValues.toJson(Value.newBuilder().setDoubleValue(Double.NaN).build()));
        assertEquals("-Infinity", FirestoreValues.toJson(Value.newBuilder()
                .setDoubleValue(Double.NEGATIVE_INFINITY).build()));
    }

    @Test
    void microsecondsAreFirestoresPrecision() {
        assertEquals(1_764_235_200_123_456L, FirestoreValues.micros(Instant.parse("2025-11-27T09:20:00.123456789Z")));
    }
}
