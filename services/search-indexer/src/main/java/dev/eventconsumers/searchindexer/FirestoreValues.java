package dev.eventconsumers.searchindexer;

import com.google.events.cloud.firestore.v1.Value;
import com.google.protobuf.Timestamp;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every Firestore value type as a JSON value, so that any valid document can be kept in the index's {@code _source}.
 * Pure: no I/O.
 */
public final class FirestoreValues {
    private FirestoreValues() {
    }

    /**
     * @param value a Firestore value
     * @return string, long, double, boolean, null, ISO-8601 instant (timestamps), map, list, the document path
     *         (references), base64 (bytes), or {@code {"lat":..,"lon":..}} (geo points); the doubles JSON has no
     *         number for (NaN, Infinity, -Infinity) as those words
     */
    public static Object toJson(Value value) {
        return switch (value.getValueTypeCase()) {
            case STRING_VALUE -> value.getStringValue();
            case INTEGER_VALUE -> value.getIntegerValue();
            case DOUBLE_VALUE -> Double.isFinite(value.getDoubleValue()) ? (Object) value.getDoubleValue()
                    : Double.toString(value.getDoubleValue());
            case BOOLEAN_VALUE -> value.getBooleanValue();
            case NULL_VALUE, VALUETYPE_NOT_SET -> null;
            case TIMESTAMP_VALUE -> instant(value.getTimestampValue()).toString();
            case REFERENCE_VALUE -> value.getReferenceValue();
            case BYTES_VALUE -> Base64.getEncoder().encodeToString(value.getBytesValue().toByteArray());
            case GEO_POINT_VALUE -> Map.of("lat", value.getGeoPointValue().getLatitude(),
                                           "lon", value.getGeoPointValue().getLongitude());
            case ARRAY_VALUE -> {
                List<Object> list = new ArrayList<>();
                value.getArrayValue().getValuesList().forEach(v -> list.add(toJson(v)));
                yield list;
            }
            case MAP_VALUE -> fields(value.getMapValue().getFieldsMap());
        };
    }

    /**
     * @param fields Firestore fields
     * @return them as a JSON object, in a stable order
     */
    public static Map<String, Object> fields(Map<String, Value> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        fields.entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.put(e.getKey(), toJson(e.getValue())));
        return out;
    }

    /**
     * @param timestamp protobuf timestamp
     * @return the instant
     */
    public static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }

    /**
     * @param instant an instant
     * @return microseconds since the epoch: Firestore's own precision, and an OpenSearch external version
     */
    public static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
    }
}
