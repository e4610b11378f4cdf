package dev.eventconsumers.cloudevents;

import dev.eventconsumers.testkit.HostileJson;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Whatever arrives, the binding makes an event of it or refuses it as invalid (answered 400 with a problem), quickly:
 * never another exception (answered 500 and retried forever), never a long computation. Random JSON of every shape,
 * strings of every Unicode class, numbers of any length and exponent, random protobuf bytes, random headers.
 */
class DecoderProperties {
    static final long BOUND_NANOS = 1_000_000_000L;

    static void decodesOrRefuses(Runnable decode) {
        long began = System.nanoTime();
        try {
            decode.run();
        } catch (InvalidEventException refused) {
            if (refused.toProblem().status() / 100 != 4) {
                throw new AssertionError("a refusal must be a 4xx: " + refused.toProblem());
            }
        }
        long took = System.nanoTime() - began;
        if (took > BOUND_NANOS) {
            throw new AssertionError("took " + took / 1_000_000 + " ms");
        }
    }

    static CloudEvent event(String type, String contentType, byte[] data) {
        return CloudEventBuilder.v1().withId("p-1").withSource(URI.create("//test")).withType(type)
                .withDataContentType(contentType).withData(data).build();
    }

    @Property(tries = 300)
    void storageData(@ForAll("storage") String data) {
        decodesOrRefuses(() -> GooglePayloads.storageObject().decode(event(
                EventTypes.STORAGE_OBJECT_FINALIZED, "application/json", data.getBytes(StandardCharsets.UTF_8))));
    }

    @Property(tries = 300)
    void firestoreJson(@ForAll("firestore") String data) {
        decodesOrRefuses(() -> GooglePayloads.documentEvent().decode(event(
                EventTypes.FIRESTORE_DOCUMENT_WRITTEN, "application/json", data.getBytes(StandardCharsets.UTF_8))));
    }

    @Property(tries = 300)
    void firestoreProtobuf(@ForAll byte[] data) {
        decodesOrRefuses(() -> GooglePayloads.documentEvent().decode(event(
                EventTypes.FIRESTORE_DOCUMENT_WRITTEN, "application/protobuf", data)));
    }

    @Property(tries = 300)
    void pubSubData(@ForAll("pubsub") String data) {
        decodesOrRefuses(() -> GooglePayloads.messagePublished().decode(event(
                EventTypes.PUBSUB_MESSAGE_PUBLISHED, "application/json", data.getBytes(StandardCharsets.UTF_8))));
    }

    @Property(tries = 200)
    void schedulerData(@ForAll("scheduler") String data) {
        decodesOrRefuses(() -> GooglePayloads.schedulerJob().decode(event(
                EventTypes.SCHEDULER_JOB_EXECUTED, "application/json", data.getBytes(StandardCharsets.UTF_8))));
    }

    @Property(tries = 500)
    void anyRequestIsAnEventABatchOrRefused(@ForAll("headers") Map<String, List<String>> headers,
                                            @ForAll("bodies") byte[] body) {
        decodesOrRefuses(() -> EventRequestReader.read(headers, body));
    }

    @Provide
    Arbitrary<String> storage() {
        Arbitrary<String> object = HostileJson.objectsWith(List.of(
                "bucket", "name", "size", "generation", "metageneration", "contentType", "timeCreated", "updated",
                "md5Hash", "crc32c", "metadata", "id", "kind", "selfLink", "storageClass", "etag"));
        return Arbitraries.oneOf(object, HostileJson.values(3), HostileJson.almost(object));
    }

    @Provide
    Arbitrary<String> firestore() {
        Arbitrary<String> fields = HostileJson.objectsWith(List.of(
                "stringValue", "integerValue", "doubleValue", "timestampValue", "mapValue", "arrayValue", "bytesValue",
                "referenceValue", "geoPointValue", "nullValue", "booleanValue"));
        Arbitrary<String> document = Combinators.combine(HostileJson.strings(), fields, fields)
                .as((name, a, b) -> "{\"name\":" + HostileJson.quote(name) + ",\"fields\":{\"a\":" + a + ",\"b\":" + b
                        + "},\"updateTime\":\"2026-11-27T10:00:00Z\"}");
        Arbitrary<String> change = Combinators.combine(document, document, HostileJson.values(2))
                .as((value, old, mask) -> "{\"value\":" + value + ",\"oldValue\":" + old + ",\"updateMask\":" + mask + "}");
        return Arbitraries.oneOf(change, HostileJson.values(3), HostileJson.almost(change));
    }

    @Provide
    Arbitrary<String> pubsub() {
        Arbitrary<String> message = HostileJson.objectsWith(List.of(
                "data", "attributes", "messageId", "message_id", "publishTime", "publish_time", "orderingKey", "@type"));
        Arbitrary<String> push = Combinators.combine(message, HostileJson.values(1), HostileJson.values(1))
                .as((m, subscription, attempt) -> "{\"message\":" + m + ",\"subscription\":" + subscription
                        + ",\"deliveryAttempt\":" + attempt + "}");
        return Arbitraries.oneOf(push, HostileJson.values(3), HostileJson.almost(push));
    }

    @Provide
    Arbitrary<String> scheduler() {
        Arbitrary<String> job = HostileJson.objectsWith(List.of("customData", "custom_data", "@type"));
        return Arbitraries.oneOf(job, HostileJson.values(3), HostileJson.almost(job));
    }

    @Provide
    Arbitrary<Map<String, List<String>>> headers() {
        Arbitrary<String> names = Arbitraries.of("ce-specversion", "ce-id", "ce-source", "ce-type", "ce-subject",
                                                 "ce-time", "ce-dataschema", "ce-x", "content-type",
                                                 "x-cloudscheduler-jobname", "x-cloudscheduler-scheduletime",
                                                 "x-cloudscheduler");
        Arbitrary<String> values = Arbitraries.oneOf(
                HostileJson.strings().map(s -> s.replaceAll("[^\\x20-\\x7e]", "")),
                Arbitraries.of("1.0", "0.3", "application/json", "application/cloudevents+json",
                               "application/cloudevents-batch+json", "application/protobuf",
                               "2026-11-27T10:00:00Z", "%00", "%zz", "%C3%28", "/s", "dev.knative.sources.ping",
                               "google.cloud.storage.object.v1.finalized"));
        return Combinators.combine(names, values.list().ofMinSize(1).ofMaxSize(2)).as(Map::entry).list().ofMaxSize(8)
                .map(entries -> {
                    Map<String, List<String>> headers = new LinkedHashMap<>();
                    entries.forEach(e -> headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).addAll(e.getValue()));
                    return headers;
                });
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        Arbitrary<String> event = HostileJson.objectsWith(List.of("specversion", "id", "source", "type", "subject",
                                                                  "time", "data", "data_base64", "datacontenttype",
                                                                  "message", "subscription", "x"));
        Arbitrary<String> batch = event.list().ofMaxSize(5).map(items -> "[" + String.join(",", items) + "]");
        return Arbitraries.oneOf(Arbitraries.oneOf(event, batch, HostileJson.values(3), HostileJson.almost(event))
                                         .map(s -> s.getBytes(StandardCharsets.UTF_8)),
                                 Arbitraries.bytes().array(byte[].class).ofMaxSize(64));
    }
}
