package dev.eventconsumers.cloudevents;

import com.google.protobuf.Timestamp;

import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * A fast path for the one timestamp shape every platform sends, {@code 2026-11-27T09:20:00.123456Z} (seconds always,
 * one to nine fraction digits, {@code Z} or {@code ±HH:MM}): read by hand instead of by {@code DateTimeFormatter} or
 * {@code SimpleDateFormat}, which cost more than the rest of an event's attributes together. Each method answers
 * {@code null} for anything else, and the caller then asks the parser it always used, so nothing is accepted or
 * refused differently: whatever the fast path reads, the slow one reads to the same value
 * ({@code Rfc3339Properties} checks both against each other).
 */
final class Rfc3339 {
    /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, protobuf's Timestamp range. */
    private static final long MIN_SECONDS = -62135596800L;
    private static final long MAX_SECONDS = 253402300799L;

    private Rfc3339() {
    }

    /**
     * @param text a timestamp
     * @return what {@code OffsetDateTime.parse(text)} answers, or null when the text is not of the common shape
     */
    static OffsetDateTime offsetDateTime(String text) {
        Parsed parsed = parse(text);
        if (parsed == null) {
            return null;
        }
        try {
            return OffsetDateTime.of(parsed.local(), ZoneOffset.ofTotalSeconds(parsed.offsetSeconds()));
        } catch (DateTimeException e) {
            return null;
        }
    }

    /**
     * @param text a timestamp
     * @return what protobuf's {@code Timestamps.parse(text)} answers, or null when the text is not of the common shape
     *         or out of the Timestamp's range
     */
    static Timestamp timestamp(String text) {
        Parsed parsed = parse(text);
        if (parsed == null || parsed.local().getYear() < 1) {
            return null;
        }
        long seconds = parsed.local().toEpochSecond(ZoneOffset.UTC) - parsed.offsetSeconds();
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
            return null;
        }
        return Timestamp.newBuilder().setSeconds(seconds).setNanos(parsed.local().getNano()).build();
    }

    private record Parsed(LocalDateTime local, int offsetSeconds) {
    }

    /** {@code YYYY-MM-DDTHH:MM:SS[.F{1,9}](Z|±HH:MM)} with valid fields, else null. */
    private static Parsed parse(String s) {
        int length = s.length();
        if (length < 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if ((year | month | day | hour | minute | second) < 0) {
            return null;
        }
        int i = 19;
        int nanos = 0;
        if (s.charAt(i) == '.') {
            int start = ++i;
            while (i < length && i - start < 10 && isDigit(s.charAt(i))) {
                nanos = nanos * 10 + s.charAt(i) - '0';
                i++;
            }
            int count = i - start;
            if (count == 0 || count > 9) {
                return null;
            }
            for (int k = count; k < 9; k++) {
                nanos *= 10;
            }
        }
        int offset;
        if (i == length - 1 && s.charAt(i) == 'Z') {
            offset = 0;
        } else if (i == length - 6 && (s.charAt(i) == '+' || s.charAt(i) == '-') && s.charAt(i + 3) == ':') {
            int hours = digits(s, i + 1, 2);
            int minutes = digits(s, i + 4, 2);
            if (hours < 0 || minutes < 0 || hours > 18 || minutes > 59) {
                return null;
            }
            offset = (hours * 60 + minutes) * 60 * (s.charAt(i) == '-' ? -1 : 1);
        } else {
            return null;
        }
        try {
            return new Parsed(LocalDateTime.of(year, month, day, hour, minute, second, nanos), offset);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static int digits(String s, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + c - '0';
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
