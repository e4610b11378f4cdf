package dev.eventconsumers.cloudevents;

import io.cloudevents.CloudEvent;
import io.cloudevents.http.HttpMessageFactory;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The binary-mode 1.0 reader builds the event the SDK's {@code HttpMessageReader} builds from the same decoded headers
 * and body, or fails with the same exception and message: it is a faster path, not a different reader.
 */
class BinaryReaderProperties {
    @Property(tries = 3000)
    void readsWhatTheSdkReads(@ForAll("headers") List<String[]> headers, @ForAll("bodies") byte[] body) {
        Object fast = outcome(() -> EventRequestReader.readBinary(headers, body));
        Object sdk = outcome(() -> HttpMessageFactory.createReader(put -> headers.forEach(h -> put.accept(h[0], h[1])),
                                                                   body).toEvent());
        Statistics.label("outcome").collect(sdk instanceof CloudEvent ? "event" : "refused");
        Statistics.label("outcome").coverage(c -> {
            c.check("event").percentage(p -> p > 20);
            c.check("refused").percentage(p -> p > 5);
        });
        assertEquals(sdk, fast, () -> describe(headers));
    }

    @Example
    void aStorageEventIsReadAsTheSdkReadsIt() {
        List<String[]> headers = List.of(new String[] {"ce-id", "1234"}, new String[] {"ce-specversion", "1.0"},
                                         new String[] {"ce-source", "//storage.googleapis.com/projects/_/buckets/b"},
                                         new String[] {"ce-type", "google.cloud.storage.object.v1.finalized"},
                                         new String[] {"ce-time", "2026-11-27T09:20:00.123456Z"},
                                         new String[] {"ce-subject", "objects/uploads/a.jpg"},
                                         new String[] {"content-type", "application/json"});
        byte[] body = "{\"name\":\"uploads/a.jpg\"}".getBytes(StandardCharsets.UTF_8);
        CloudEvent fast = EventRequestReader.readBinary(headers, body);
        assertNotNull(fast.getTime());
        assertEquals(HttpMessageFactory.createReader(put -> headers.forEach(h -> put.accept(h[0], h[1])), body)
                             .toEvent(), fast);
    }

    /** The event, or the exception's class and message (exceptions do not define equality). */
    private static Object outcome(java.util.function.Supplier<CloudEvent> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            return e.getClass().getName() + ": " + e.getMessage();
        }
    }

    private static String describe(List<String[]> headers) {
        StringBuilder text = new StringBuilder();
        headers.forEach(h -> text.append(h[0]).append(": ").append(h[1]).append('\n'));
        return text.toString();
    }

    @Provide
    Arbitrary<List<String[]>> headers() {
        Arbitrary<String[]> id = value(Arbitraries.of("1", "abc-123"), Arbitraries.of(""))
                .map(v -> new String[] {"ce-id", v});
        Arbitrary<String[]> source = value(Arbitraries.of("//storage.googleapis.com/projects/_/buckets/b", "/orders",
                                                          "https://example.com/x?y=1#z", "urn:event:1"),
                                           Arbitraries.of("a b", "%", "http://[::1", "", "::"))
                .map(v -> new String[] {"ce-source", v});
        Arbitrary<String[]> type = value(Arbitraries.of("google.cloud.storage.object.v1.finalized", "t"),
                                         Arbitraries.of(""))
                .map(v -> new String[] {"ce-type", v});
        Arbitrary<String[]> time = value(Arbitraries.of("2026-11-27T09:20:00.123456Z", "2026-11-27T09:20:00Z",
                                                        "2026-11-27T09:20:00+05:30", "2026-11-27T09:20:00.5-00:00"),
                                         Arbitraries.of("2026-02-30T00:00:00Z", "2026-11-27 09:20:00Z",
                                                        "2026-11-27T09:20Z", "yesterday", "",
                                                        "2026-11-27T09:20:00.1234567890Z", "2026-11-27T24:00:00Z"))
                .map(v -> new String[] {"ce-time", v});
        Arbitrary<String[]> optional = Arbitraries.oneOf(
                value(Arbitraries.of("objects/a.jpg"), Arbitraries.of("")).map(v -> new String[] {"ce-subject", v}),
                value(Arbitraries.of("https://schema.example/v1"), Arbitraries.of("not a uri", ""))
                        .map(v -> new String[] {"ce-dataschema", v}),
                value(Arbitraries.of("application/json", "text/plain; charset=utf-8"), Arbitraries.of(""))
                        .map(v -> new String[] {"content-type", v}),
                Combinators.combine(value(Arbitraries.of("ce-traceparent", "ce-myext", "ce-x", "ce-datacontenttype",
                                                         "x-other"),
                                          Arbitraries.of("ce-", "ce-bad_name", "ce-über", "ce-data", "ce-id")),
                                    value(Arbitraries.of("v", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                                          Arbitraries.of("")))
                        .as((name, v) -> new String[] {name, v}));
        return Combinators.combine(id.optional(0.97), source.optional(0.97), type.optional(0.97), time.optional(0.5),
                                   optional.list().ofMaxSize(4))
                .as((i, s, t, tm, rest) -> {
                    List<String[]> all = new ArrayList<>();
                    all.add(new String[] {"ce-specversion", "1.0"});
                    i.ifPresent(all::add);
                    s.ifPresent(all::add);
                    t.ifPresent(all::add);
                    tm.ifPresent(all::add);
                    // Decoded from a map of lower-case names (a repeated ce- header is refused before this):
                    // each name once.
                    rest.stream().filter(h -> all.stream().noneMatch(a -> a[0].equals(h[0]))).forEach(all::add);
                    return all;
                })
                .flatMap(all -> Arbitraries.shuffle(all));
    }

    /** Mostly valid values, now and then an invalid one or any string at all. */
    private static Arbitrary<String> value(Arbitrary<String> valid, Arbitrary<String> invalid) {
        return Arbitraries.frequencyOf(Tuple.of(92, valid), Tuple.of(5, invalid),
                                       Tuple.of(3, Arbitraries.strings().ofMaxLength(12)));
    }

    @Provide
    Arbitrary<byte[]> bodies() {
        return Arbitraries.of("", "{}", "{\"name\":\"uploads/a.jpg\"}", "\u00ff")
                .map(s -> s.getBytes(StandardCharsets.UTF_8));
    }
}
