package dev.eventconsumers.orders;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/** Order ids: {@code ORD-yyyyMMdd-} and eight hex digits, e.g. {@code ORD-20261127-1a2b3c4d}. */
public final class OrderIds {
    private static final Pattern FORMAT = Pattern.compile("^ORD-\\d{8}-[0-9a-f]{8}$");
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;

    private OrderIds() {
    }

    /**
     * @param clock  today (UTC)
     * @param random the random part
     * @return a new id
     */
    public static String next(Clock clock, RandomGenerator random) {
        return "ORD-" + DAY.format(LocalDate.now(clock.withZone(ZoneOffset.UTC))) + "-"
                + HexFormat.of().toHexDigits(random.nextInt());
    }

    /**
     * @param id any string
     * @return whether it has the form of an order id
     */
    public static boolean valid(String id) {
        return id != null && FORMAT.matcher(id).matches();
    }
}
