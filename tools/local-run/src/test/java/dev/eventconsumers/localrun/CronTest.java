package dev.eventconsumers.localrun;

import java.time.ZonedDateTime;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CronTest {
    @Test
    void theDailyReportScheduleFiresAtTwoUtcOnly() {
        Cron cron = Cron.parse("CRON_TZ=Etc/UTC 0 2 * * *");
        assertTrue(cron.matches(ZonedDateTime.parse("2026-11-27T02:00:00Z")));
        assertTrue(cron.matches(ZonedDateTime.parse("2026-11-27T03:00:00+01:00")), "the same instant elsewhere");
        assertFalse(cron.matches(ZonedDateTime.parse("2026-11-27T02:01:00Z")));
        assertFalse(cron.matches(ZonedDateTime.parse("2026-11-27T02:00:00+01:00")));
    }

    @Test
    void aZoneMovesTheHour() {
        Cron cron = Cron.parse("CRON_TZ=Europe/Berlin 30 6 * * *");
        assertTrue(cron.matches(ZonedDateTime.parse("2026-11-27T05:30:00Z")), "06:30 in Berlin is 05:30 UTC in winter");
        assertTrue(cron.matches(ZonedDateTime.parse("2026-07-01T04:30:00Z")), "and 04:30 UTC in summer");
    }

    @Test
    void listsRangesStepsAndDays() {
        Cron cron = Cron.parse("*/15 9-17 * * 1-5");
        assertTrue(cron.matches(ZonedDateTime.parse("2026-11-27T09:45:00Z")), "a Friday");
        assertFalse(cron.matches(ZonedDateTime.parse("2026-11-28T09:45:00Z")), "a Saturday");
        assertFalse(cron.matches(ZonedDateTime.parse("2026-11-27T09:50:00Z")));
        assertFalse(cron.matches(ZonedDateTime.parse("2026-11-27T18:00:00Z")));
        // Both day fields restricted: either matches, as in cron.
        Cron either = Cron.parse("0 0 1 * 0");
        assertTrue(either.matches(ZonedDateTime.parse("2026-12-01T00:00:00Z")), "the 1st, a Tuesday");
        assertTrue(either.matches(ZonedDateTime.parse("2026-11-29T00:00:00Z")), "a Sunday");
        assertTrue(Cron.parse("0 0 * * 7").matches(ZonedDateTime.parse("2026-11-29T00:00:00Z")), "7 is Sunday too");
        assertTrue(Cron.parse("5,10 * * * *").matches(ZonedDateTime.parse("2026-11-29T13:10:00Z")));
    }

    @Test
    void aBadScheduleIsRefusedWithItsText() {
        assertEquals("a schedule has five fields: * * *",
                     assertThrows(IllegalArgumentException.class, () -> Cron.parse("* * *")).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("61 * * * *")).getMessage()
                           .contains("out of range 0-59"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Cron.parse("x * * * *")).getMessage()
                           .contains("not a number: x"));
    }

    @Test
    void whatPingSourceRefusesIsRefused() {
        for (String bad : java.util.List.of("0 25 * * *", "0 2 * *", "every day", "CRON_TZ=Mars/Base 0 2 * * *",
                                            "CRON_TZ=Etc/UTC", "*/0 * * * *", "5-1 * * * *")) {
            assertThrows(IllegalArgumentException.class, () -> Cron.parse(bad), bad);
        }
    }
}
