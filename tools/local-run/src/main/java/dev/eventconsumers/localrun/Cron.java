package dev.eventconsumers.localrun;

import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.BitSet;

/**
 * A PingSource schedule: five cron fields (minute, hour, day of month, month, day of week; {@code *}, lists, ranges
 * and steps), optionally after {@code CRON_TZ=Zone} as Knative accepts it. When both day fields are restricted, a day
 * matching either one matches, as in cron.
 */
public record Cron(String text, ZoneId zone, BitSet minutes, BitSet hours, BitSet days, BitSet months, BitSet weekdays,
            boolean anyDay, boolean anyWeekday) {

    /**
     * @param text a PingSource schedule, e.g. {@code CRON_TZ=Etc/UTC 0 2 * * *}
     * @return the schedule
     * @throws IllegalArgumentException when PingSource would refuse it, saying why
     */
    public static Cron parse(String text) {
        String rest = text.trim();
        ZoneId zone = ZoneOffset.UTC;
        if (rest.startsWith("CRON_TZ=") || rest.startsWith("TZ=")) {
            int space = rest.indexOf(' ');
            if (space < 0) {
                throw new IllegalArgumentException("a time zone but no schedule: " + text);
            }
            try {
                zone = ZoneId.of(rest.substring(rest.indexOf('=') + 1, space));
            } catch (java.time.DateTimeException e) {
                throw new IllegalArgumentException("unknown time zone in " + text + ": " + e.getMessage());
            }
            rest = rest.substring(space + 1).trim();
        }
        String[] fields = rest.split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("a schedule has five fields: " + text);
        }
        BitSet weekdays = field(fields[4], 0, 7, text);
        if (weekdays.get(7)) {
            weekdays.set(0);
        }
        return new Cron(text, zone, field(fields[0], 0, 59, text), field(fields[1], 0, 23, text),
                        field(fields[2], 1, 31, text), field(fields[3], 1, 12, text), weekdays,
                        fields[2].equals("*"), fields[4].equals("*"));
    }

    /** @return whether the schedule fires in the minute of {@code time} */
    public boolean matches(ZonedDateTime time) {
        ZonedDateTime t = time.withZoneSameInstant(zone);
        boolean day = days.get(t.getDayOfMonth());
        boolean weekday = weekdays.get(t.getDayOfWeek().getValue() % 7);
        boolean dayMatches = anyDay || anyWeekday ? day && weekday : day || weekday;
        return minutes.get(t.getMinute()) && hours.get(t.getHour()) && months.get(t.getMonthValue()) && dayMatches;
    }

    private static BitSet field(String field, int min, int max, String text) {
        BitSet set = new BitSet();
        for (String part : field.split(",")) {
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = number(part.substring(slash + 1), text);
                range = part.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                from = number(range.substring(0, range.indexOf('-')), text);
                to = number(range.substring(range.indexOf('-') + 1), text);
            } else {
                from = number(range, text);
                to = slash >= 0 ? max : from;
            }
            if (from < min || to > max || from > to || step < 1) {
                throw new IllegalArgumentException("field " + field + " is out of range " + min + "-" + max
                                                           + " in " + text);
            }
            for (int i = from; i <= to; i += step) {
                set.set(i);
            }
        }
        return set;
    }

    private static int number(String s, String text) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number: " + s + " in " + text);
        }
    }
}
