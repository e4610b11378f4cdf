package dev.eventconsumers.cloudevents;

import com.google.events.cloud.storage.v1.StorageObjectData;
import com.google.protobuf.util.JsonFormat;
import dev.eventconsumers.testkit.HostileJson;
import dev.eventconsumers.testkit.Sample;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * The one-pass StorageObjectData reader answers what the general path (strict tree, then protobuf's JsonFormat)
 * answers, or defers to it: it never takes a document the general path refuses, and never reads one differently.
 * Documents with every field of the message, in both spellings, with values of the right type and of every other.
 */
class StorageObjectJsonProperties {
    private static final JsonFormat.Parser GENERAL = JsonFormat.parser().ignoringUnknownFields();
    private static final List<String> FIELDS = List.of(
            "contentEncoding", "contentDisposition", "cacheControl", "contentLanguage", "metageneration", "timeDeleted",
            "contentType", "size", "timeCreated", "crc32c", "componentCount", "md5Hash", "etag", "updated",
            "storageClass", "kmsKeyName", "timeStorageClassUpdated", "temporaryHold", "retentionExpirationTime",
            "metadata", "eventBasedHold", "name", "id", "bucket", "generation", "customerEncryption", "mediaLink",
            "selfLink", "kind", "content_type", "component_count", "md5_hash", "@type", "unknownField", "x");

    @Property(tries = 3000)
    @StatisticsReport(onFailureOnly = true)
    void agreesWithTheGeneralPath(@ForAll("documents") String document) {
        byte[] json = document.getBytes(StandardCharsets.UTF_8);
        try {
            StrictJson.checkText(json, "data");
        } catch (InvalidEventException refusedBefore) {
            return;
        }
        StorageObjectData fast = StorageObjectJson.read(json);
        Statistics.label("fast path").collect(fast != null);
        // Not vacuous: a good share of the documents must take the fast path for the comparison to mean anything.
        Statistics.label("fast path").coverage(c -> c.check(true).percentage(p -> p > 5));
        if (fast == null) {
            return;
        }
        StorageObjectData.Builder general = StorageObjectData.newBuilder();
        try {
            GENERAL.merge(StrictJson.parse(json, "data").toString(), general);
        } catch (IOException | RuntimeException e) {
            throw new AssertionError("fast path took a document the general path refuses: " + document, e);
        }
        assertEquals(general.build(), fast, document);
    }

    @Example
    void eventarcsPayloadTakesTheFastPath() throws IOException {
        byte[] json = Sample.load("storage-finalized").body();
        StorageObjectData fast = StorageObjectJson.read(json);
        assertNotNull(fast);
        StorageObjectData.Builder general = StorageObjectData.newBuilder();
        GENERAL.merge(new String(json, StandardCharsets.UTF_8), general);
        assertEquals(general.build(), fast);
    }

    @Example
    void deepUnknownValuesAreLeftToTheGeneralPath() {
        String deep = "[".repeat(300) + "]".repeat(300);
        assertNull(StorageObjectJson.read(("{\"name\":\"a\",\"bucket\":\"b\",\"x\":" + deep + "}")
                                                  .getBytes(StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<String> documents() {
        Arbitrary<String> member = Combinators.combine(Arbitraries.of(FIELDS), Arbitraries.oneOf(plausible(),
                                                                                                 HostileJson.values(2)))
                .as((k, v) -> HostileJson.quote(k) + ":" + v);
        Arbitrary<String> object = member.list().ofMaxSize(12).map(m -> "{" + String.join(",", m) + "}");
        return Arbitraries.oneOf(object, object, HostileJson.almost(object));
    }

    /** Values of the types the fields have, and near misses. */
    private static Arbitrary<String> plausible() {
        Arbitrary<String> string = HostileJson.strings().map(HostileJson::quote);
        Arbitrary<String> integer = Arbitraries.oneOf(
                Arbitraries.longs().map(String::valueOf), Arbitraries.longs().map(n -> "\"" + n + "\""),
                Arbitraries.of("\"+5\"", "\"007\"", "\"1e3\"", "1.0", "\" 1\"", "\"9223372036854775808\"",
                               "2147483648", "-0", "\"-0\""));
        Arbitrary<String> time = Arbitraries.oneOf(
                Arbitraries.of("\"2026-11-27T09:20:00.123Z\"", "\"2026-11-27T09:20:00Z\"", "\"2026-02-30T00:00:00Z\"",
                               "\"0000-01-01T00:00:00Z\"", "\"0001-01-01T00:00:00+01:00\"",
                               "\"2026-11-27T09:20:00.1234567891Z\"", "\"2026-11-27T09:20:00junk.5Z\"",
                               "\"2026-11-27t09:20:00Z\"", "\"2026-11-27T09:20:00+99:99\"", "null"),
                new Rfc3339Properties().timestamps().map(HostileJson::quote));
        Arbitrary<String> metadata = Combinators.combine(HostileJson.strings(), Arbitraries.oneOf(string,
                                                                                                 HostileJson.values(1)))
                .as((k, v) -> HostileJson.quote(k) + ":" + v).list().ofMaxSize(3)
                .map(m -> "{" + String.join(",", m) + "}");
        Arbitrary<String> encryption = Combinators.combine(Arbitraries.of("encryptionAlgorithm", "keySha256",
                                                                          "key_sha256", "other"),
                                                           Arbitraries.oneOf(string, HostileJson.values(1)))
                .as((k, v) -> HostileJson.quote(k) + ":" + v).list().ofMaxSize(3)
                .map(m -> "{" + String.join(",", m) + "}");
        return Arbitraries.oneOf(string, integer, time, metadata, encryption, Arbitraries.of("true", "false", "null",
                                                                                             "\"true\"", "{}", "[]"));
    }
}
