package dev.eventconsumers.cloudevents;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

import java.text.ParseException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The fast timestamp path answers what the parsers it stands in for answer, or defers to them: never a value they
 * would refuse, never a different one. Timestamps of every field range, width, separator and zone.
 */
class Rfc3339Properties {
    @Property(tries = 3000)
    void offsetDateTimeAgreesWithTheSdksParser(@ForAll("timestamps") String text) {
        OffsetDateTime fast = Rfc3339.offsetDateTime(text);
        Statistics.label("fast path").collect(fast != null);
        Statistics.label("fast path").coverage(c -> c.check(true).percentage(p -> p > 5));
        if (fast == null) {
            return;
        }
        OffsetDateTime reference;
        try {
            reference = OffsetDateTime.parse(text);
        } catch (DateTimeParseException e) {
            throw new AssertionError("fast path took " + text + ", which OffsetDateTime.parse refuses", e);
        }
        assertEquals(reference, fast, text);
    }

    @Property(tries = 3000)
    void timestampAgreesWithProtobufsParser(@ForAll("timestamps") String text) {
        Timestamp fast = Rfc3339.timestamp(text);
        Statistics.label("fast path").collect(fast != null);
        Statistics.label("fast path").coverage(c -> c.check(true).percentage(p -> p > 5));
        if (fast == null) {
            return;
        }
        Timestamp reference;
        try {
            reference = Timestamps.parse(text);
        } catch (ParseException e) {
            throw new AssertionError("fast path took " + text + ", which Timestamps.parse refuses", e);
        }
        assertEquals(reference, fast, text);
    }

    @Example
    void theCommonShapesTakeTheFastPath() {
        for (String text : new String[] {"2026-11-27T09:20:00.123456Z", "2026-11-27T09:20:00Z",
                                         "2026-11-27T09:20:00.123Z", "2024-02-29T23:59:59.999999999+05:30",
                                         "0001-01-01T00:00:00Z", "9999-12-31T23:59:59-00:00"}) {
            assertNotNull(Rfc3339.offsetDateTime(text), text);
            assertNotNull(Rfc3339.timestamp(text), text);
        }
    }

    @Provide
    Arbitrary<String> timestamps() {
        return Arbitraries.oneOf(shaped(true), shaped(false));
    }

    /**
     * @param common fields of the common widths and mostly in range; else any width, separator and zone
     * @return timestamps
     */
    private static Arbitrary<String> shaped(boolean common) {
        Arbitrary<String> year = common ? Arbitraries.integers().between(0, 9999).map(y -> pad(y, 4))
                : Arbitraries.oneOf(Arbitraries.integers().between(0, 10000).map(y -> pad(y, 4)),
                                    Arbitraries.of("0", "99", "+2026", "-0001", "20260", "\uff12\uff10\uff12\uff16"));
        Arbitrary<String> month = field(common, 1, 12, 0, 13);
        Arbitrary<String> day = field(common, 1, 31, 0, 32);
        Arbitrary<String> hour = field(common, 0, 23, 0, 25);
        Arbitrary<String> minute = field(common, 0, 59, 0, 61);
        Arbitrary<String> second = common ? field(true, 0, 59, 0, 61)
                : Arbitraries.oneOf(field(false, 0, 59, 0, 61), Arbitraries.of(""));
        Arbitrary<String> fraction = Arbitraries.oneOf(Arbitraries.strings().numeric().ofMaxLength(common ? 9 : 11)
                                                               .map(d -> d.isEmpty() && common ? "" : "." + d),
                                                       common ? Arbitraries.of("") : Arbitraries.of("", ",5", ".x"));
        Arbitrary<String> offset = Combinators.combine(Arbitraries.of("+", "-"), field(common, 0, 18, 0, 25),
                                                       field(common, 0, 59, 0, 61))
                .as((sign, h, m) -> sign + h + ":" + m);
        Arbitrary<String> zone = common ? Arbitraries.oneOf(Arbitraries.of("Z", "+00:00", "-00:00"), offset)
                : Arbitraries.oneOf(offset, Arbitraries.of("Z", "z", "", "+0530", "+05", "+05:30:00", "UTC", "+18:00",
                                                           "-18:01"));
        Arbitrary<String> separator = common ? Arbitraries.of("T") : Arbitraries.of("T", "t", " ");
        return Combinators.combine(year, month, day, separator, hour, minute, second, fraction)
                .as((y, mo, d, t, h, mi, s, f) -> y + "-" + mo + "-" + d + t + h + ":" + mi + (s.isEmpty() ? "" : ":" + s) + f)
                .flatMap(local -> zone.map(z -> local + z));
    }

    /** Two digits in [min, max] when common (now and then just outside); else any width in [wideMin, wideMax]. */
    private static Arbitrary<String> field(boolean common, int min, int max, int wideMin, int wideMax) {
        if (common) {
            return Arbitraries.frequencyOf(Tuple.of(9, Arbitraries.integers().between(min, max)),
                                           Tuple.of(1, Arbitraries.integers().between(wideMin, wideMax)))
                    .map(value -> pad(value, 2));
        }
        return Combinators.combine(Arbitraries.integers().between(wideMin, wideMax), Arbitraries.integers().between(0, 9))
                .as((value, width) -> width == 0 ? Integer.toString(value) : width == 1 ? pad(value, 3) : pad(value, 2));
    }

    private static String pad(int value, int width) {
        String digits = Integer.toString(value);
        return "0".repeat(Math.max(0, width - digits.length())) + digits;
    }
}
