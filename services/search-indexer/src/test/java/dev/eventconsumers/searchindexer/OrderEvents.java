package dev.eventconsumers.searchindexer;

import com.google.events.cloud.firestore.v1.ArrayValue;
import com.google.events.cloud.firestore.v1.Document;
import com.google.events.cloud.firestore.v1.DocumentEventData;
import com.google.events.cloud.firestore.v1.Value;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builds Firestore order changes as Eventarc delivers them, and posts them, in protobuf or JSON. */
final class OrderEvents {
    static final HttpClient CLIENT = HttpClient.newHttpClient();
    static final String PREFIX = "projects/demo-project/databases/(default)/documents/";

    /**
     * A Firestore order at one moment.
     *
     * @param id      order id
     * @param updated its update_time
     * @param status  status field
     * @param customer customer id
     * @param items   item names
     * @param cents   total in cents
     */
    record Order(String id, Instant updated, String status, String customer, List<String> items, long cents) {
        Document document() {
            return Document.newBuilder()
                    .setName(PREFIX + "orders/" + id)
                    .putFields("orderId", string(id))
                    .putFields("customerId", string(customer))
                    .putFields("status", string(status))
                    .putFields("currency", string("USD"))
                    .putFields("totalCents", Value.newBuilder().setIntegerValue(cents).build())
                    .putFields("items", Value.newBuilder().setArrayValue(ArrayValue.newBuilder()
                            .addAllValues(items.stream().map(OrderEvents::string).toList())).build())
                    .putFields("createdAt", Value.newBuilder().setTimestampValue(timestamp(updated)).build())
                    .putFields("updatedAt", Value.newBuilder().setTimestampValue(timestamp(updated)).build())
                    .setCreateTime(timestamp(Instant.parse("2026-11-27T09:00:00Z")))
                    .setUpdateTime(timestamp(updated))
                    .build();
        }

        /** @return what the index should hold for this order */
        Map<String, Object> indexed() {
            return Map.of("orderId", id, "status", status, "customerId", customer, "items", items,
                          "totalCents", cents);
        }
    }

    /**
     * @param data      the change
     * @param eventTime the commit time
     * @param id        event id
     * @param protobuf  protobuf (Eventarc's default) or JSON
     */
    record Change(DocumentEventData data, Instant eventTime, String id, boolean protobuf) {
        HttpRequest request(URI uri) throws Exception {
            String document = (data.hasValue() ? data.getValue() : data.getOldValue()).getName()
                    .substring(PREFIX.length());
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .header("ce-specversion", "1.0")
                    .header("ce-id", id)
                    .header("ce-source", "//firestore.googleapis.com/projects/demo-project/databases/(default)")
                    .header("ce-type", "google.cloud.firestore.document.v1.written")
                    .header("ce-subject", "documents/" + document)
                    .header("ce-time", eventTime.toString())
                    .header("ce-document", document)
                    .header("Content-Type", protobuf ? "application/protobuf" : "application/json");
            byte[] body = protobuf ? data.toByteArray() : JsonFormat.printer().print(data).getBytes();
            return request.POST(dev.eventconsumers.testkit.Platform.body(body)).build();
        }

        HttpResponse<String> send(URI uri) throws Exception {
            return CLIENT.send(request(uri), HttpResponse.BodyHandlers.ofString());
        }
    }

    static Change write(Order before, Order after, boolean protobuf) {
        DocumentEventData.Builder data = DocumentEventData.newBuilder().setValue(after.document());
        if (before != null) {
            data.setOldValue(before.document());
        }
        return new Change(data.build(), after.updated(), "write-" + after.id() + "-" + after.updated(), protobuf);
    }

    static Change delete(Order before, Instant at, boolean protobuf) {
        return new Change(DocumentEventData.newBuilder().setOldValue(before.document()).build(), at,
                          "delete-" + before.id() + "-" + at, protobuf);
    }

    static Value string(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }

    static Timestamp timestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
