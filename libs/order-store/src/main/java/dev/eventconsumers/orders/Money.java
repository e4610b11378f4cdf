package dev.eventconsumers.orders;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** Amounts as the API speaks them (a decimal with at most two places) and as they are stored (exact cents). */
public final class Money {
    /** The largest total an order may have: 100000.00. */
    public static final long MAX_CENTS = 10_000_000L;

    private Money() {
    }

    /**
     * @param amount e.g. {@code 49.99}
     * @return cents, e.g. 4999
     * @throws IllegalArgumentException unless 0 &lt; amount &lt;= 100000 with at most two decimals
     */
    public static long cents(BigDecimal amount) {
        if (amount.stripTrailingZeros().scale() > 2) {
            throw new IllegalArgumentException("has more than two decimals");
        }
        if (amount.signum() <= 0) {
            throw new IllegalArgumentException("must be greater than 0");
        }
        long cents = amount.movePointRight(2).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
        if (cents > MAX_CENTS) {
            throw new IllegalArgumentException("must be at most 100000");
        }
        return cents;
    }

    /**
     * @param cents exact cents
     * @return the decimal with two places, e.g. 49.99
     */
    public static BigDecimal amount(long cents) {
        return BigDecimal.valueOf(cents, 2);
    }
}
