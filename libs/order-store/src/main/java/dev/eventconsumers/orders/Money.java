package dev.eventconsumers.orders;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;

/**
 * Amounts as the API speaks them (a decimal with at most two places) and as they are stored: {@code totalCents}, exact
 * hundredths of the currency's unit, whatever the currency (1500 JPY is 150000). Every check runs on the decimal's
 * digits before any arithmetic, so no literal, however large its exponent, costs more than a few comparisons.
 */
public final class Money {
    /** The largest total an order may have: 100000.00. */
    public static final long MAX_CENTS = 10_000_000L;
    /** Digits before the point of the largest total. */
    private static final int MAX_INTEGER_DIGITS = 6;

    private Money() {
    }

    /**
     * @param amount e.g. {@code 49.99}
     * @return cents, e.g. 4999
     * @throws IllegalArgumentException unless 0 &lt; amount &lt;= 100000 with at most two decimals
     */
    public static long cents(BigDecimal amount) {
        if (amount.signum() <= 0) {
            throw new IllegalArgumentException("must be greater than 0");
        }
        // precision - scale is the number of digits before the point (long: the scale may be near Integer.MIN_VALUE).
        if ((long) amount.precision() - amount.scale() > MAX_INTEGER_DIGITS) {
            throw new IllegalArgumentException("must be at most 100000");
        }
        if (amount.scale() > 2 && amount.stripTrailingZeros().scale() > 2) {
            throw new IllegalArgumentException("has more than two decimals");
        }
        long cents = amount.movePointRight(2).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
        if (cents > MAX_CENTS) {
            throw new IllegalArgumentException("must be at most 100000");
        }
        return cents;
    }

    /**
     * @param cents    exact hundredths
     * @param currency an ISO 4217 code
     * @throws IllegalArgumentException when the currency has fewer minor units than the amount uses (1.50 JPY)
     */
    public static void requireMinorUnits(long cents, String currency) {
        int digits = digits(currency);
        if (digits < 2 && cents % pow10(2 - digits) != 0) {
            throw new IllegalArgumentException(currency + (digits == 0 ? " has no minor unit"
                    : " has " + digits + " decimal") + ": the amount has more decimals");
        }
    }

    /**
     * @param code a currency code
     * @return whether it is an ISO 4217 currency
     */
    public static boolean isCurrency(String code) {
        try {
            return code != null && code.matches("[A-Z]{3}") && Currency.getInstance(code) != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * @param cents exact cents
     * @return the decimal with two places, e.g. 49.99
     */
    public static BigDecimal amount(long cents) {
        return BigDecimal.valueOf(cents, 2);
    }

    /**
     * @param cents    exact hundredths
     * @param currency ISO 4217 code
     * @return the decimal with the currency's places (at most two): 1500 JPY, 49.99 USD
     */
    public static BigDecimal amount(long cents, String currency) {
        try {
            return amount(cents).setScale(Math.min(2, digits(currency)), RoundingMode.UNNECESSARY);
        } catch (ArithmeticException storedWithMoreDecimals) {
            return amount(cents);
        }
    }

    /** @return the currency's minor-unit digits (0 for codes without any), 2 for a code Java does not know */
    static int digits(String currency) {
        try {
            return Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
        } catch (IllegalArgumentException | NullPointerException unknown) {
            return 2;
        }
    }

    private static long pow10(int n) {
        return n == 2 ? 100 : n == 1 ? 10 : 1;
    }
}
