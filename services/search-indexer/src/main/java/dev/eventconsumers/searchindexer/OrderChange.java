package dev.eventconsumers.searchindexer;

import com.google.events.cloud.firestore.v1.Document;
import com.google.events.cloud.firestore.v1.DocumentEventData;
import com.google.events.cloud.firestore.v1.Value;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one Firestore change means for the search index. Pure: no I/O.
 * <p>
 * The indexed document holds the fields searches use, each only when it has the type the index maps it to (a
 * {@code totalCents} written as text is left out of the search fields, not refused), and the whole Firestore document,
 * every value type, under {@code document}, kept in {@code _source} and never indexed: every valid document reaches the
 * index, and no writer can grow its mapping.
 * <p>
 * Each change carries an external version: the document's {@code update_time} in microseconds for a write, the
 * event's time for a delete (Firestore orders both by commit time). A delete becomes a versioned tombstone document,
 * not an index delete, so it outlives {@code index.gc_deletes} and still defeats a late, older write.
 */
public sealed interface OrderChange {
    /** Collection the index mirrors. */
    String COLLECTION = "orders";

    /**
     * @param id      order id (the document id)
     * @param version external version
     * @param source  the document to index
     */
    record Upsert(String id, long version, Map<String, Object> source) implements OrderChange {
    }

    /**
     * @param id      order id
     * @param version external version
     * @param source  the tombstone ({@code deleted: true}), kept out of searches
     */
    record Tombstone(String id, long version, Map<String, Object> source) implements OrderChange {
    }

    /** @param path the changed document, outside {@code orders/} */
    record NotAnOrder(String path) implements OrderChange {
    }

    /**
     * @param data      the change
     * @param eventTime the event's time (the commit time), if it has one
     * @return the index operation it calls for
     */
    static OrderChange of(DocumentEventData data, Optional<OffsetDateTime> eventTime) {
        Document document = data.hasValue() ? data.getValue() : data.getOldValue();
        String path = relativePath(document.getName());
        String[] segments = path.split("/");
        if (segments.length != 2 || !segments[0].equals(COLLECTION) || segments[1].isEmpty()) {
            return new NotAnOrder(path);
        }
        String id = segments[1];
        if (data.hasValue()) {
            Instant updated = FirestoreValues.instant(data.getValue().getUpdateTime());
            Map<String, Value> fields = data.getValue().getFieldsMap();
            Map<String, Object> source = new LinkedHashMap<>();
            source.put("orderId", id);
            for (String text : List.of("customerId", "status", "currency")) {
                Value value = fields.get(text);
                if (value != null && value.hasStringValue()) {
                    source.put(text, value.getStringValue());
                }
            }
            Value cents = fields.get("totalCents");
            if (cents != null && cents.hasIntegerValue()) {
                source.put("totalCents", cents.getIntegerValue());
            }
            for (String time : List.of("createdAt", "updatedAt")) {
                Value value = fields.get(time);
                if (value != null && value.hasTimestampValue()) {
                    source.put(time, FirestoreValues.instant(value.getTimestampValue()).toString());
                }
            }
            Value location = fields.get("location");
            if (location != null && location.hasGeoPointValue()) {
                source.put("location", FirestoreValues.toJson(location));
            }
            Map<String, Object> whole = FirestoreValues.fields(fields);
            source.put("items", itemNames(fields.get("items")));
            source.put("deleted", false);
            source.put("updateTime", updated.toString());
            source.put("document", whole);
            return new Upsert(id, FirestoreValues.micros(updated), source);
        }
        Instant deleted = eventTime.map(OffsetDateTime::toInstant)
                .orElse(FirestoreValues.instant(data.getOldValue().getUpdateTime()).plusNanos(1000));
        Map<String, Object> tombstone = new LinkedHashMap<>();
        tombstone.put("orderId", id);
        tombstone.put("deleted", true);
        tombstone.put("updateTime", deleted.toString());
        return new Tombstone(id, FirestoreValues.micros(deleted), tombstone);
    }

    /**
     * Items are strings, or {@code {sku, quantity}} maps where the API grew them: index their names, read from the typed
     * Firestore values (a number, bytes or a timestamp in the array is no item name, and only in {@code document}).
     */
    private static List<Object> itemNames(Value items) {
        List<Object> names = new ArrayList<>();
        if (items != null && items.hasArrayValue()) {
            for (Value item : items.getArrayValue().getValuesList()) {
                if (item.hasStringValue()) {
                    names.add(item.getStringValue());
                } else if (item.hasMapValue()) {
                    Value sku = item.getMapValue().getFieldsMap().get("sku");
                    if (sku != null && sku.hasStringValue()) {
                        names.add(sku.getStringValue());
                    }
                }
            }
        }
        return names;
    }

    /** @return {@code orders/ID} from {@code projects/P/databases/D/documents/orders/ID} */
    private static String relativePath(String name) {
        int at = name.indexOf("/documents/");
        return at < 0 ? name : name.substring(at + "/documents/".length());
    }
}
