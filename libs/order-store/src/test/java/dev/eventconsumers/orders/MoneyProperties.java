package dev.eventconsumers.orders;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.math.BigDecimal;
import java.math.BigInteger;

/** Any decimal, of any precision and any scale, is exact cents within the bounds or refused, quickly. */
class MoneyProperties {
    @Property(tries = 2000)
    void anyDecimalIsCentsOrRefusedQuickly(@ForAll("decimals") BigDecimal amount) {
        long began = System.nanoTime();
        try {
            long cents = Money.cents(amount);
            if (cents <= 0 || cents > Money.MAX_CENTS || BigDecimal.valueOf(cents, 2).compareTo(amount) != 0) {
                throw new AssertionError(amount + " became " + cents);
            }
        } catch (IllegalArgumentException refused) {
            // refused with a reason: what a client is told
        }
        if (System.nanoTime() - began > 100_000_000L) {
            throw new AssertionError(amount.unscaledValue().bitLength() + " bits at scale " + amount.scale()
                                             + " took " + (System.nanoTime() - began) / 1_000_000 + " ms");
        }
    }

    @Property(tries = 500)
    void minorUnitsOfAnyCurrencyCodeAreCheckedOrTheCodeIsNoCurrency(@ForAll("codes") String code,
                                                                     @ForAll("cents") long cents) {
        if (Money.isCurrency(code)) {
            try {
                Money.requireMinorUnits(cents, code);
            } catch (IllegalArgumentException refused) {
                // an amount with more decimals than the currency has
            }
            Money.amount(cents, code);
        }
    }

    @Provide
    Arbitrary<BigDecimal> decimals() {
        Arbitrary<BigInteger> unscaled = Arbitraries.oneOf(
                Arbitraries.bigIntegers().between(BigInteger.valueOf(-20_000_000), BigInteger.valueOf(20_000_000)),
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(1000).map(BigInteger::new));
        Arbitrary<Integer> scale = Arbitraries.oneOf(Arbitraries.integers().between(-8, 8), Arbitraries.integers(),
                                                     Arbitraries.of(Integer.MIN_VALUE + 1, Integer.MAX_VALUE,
                                                                    -12_000_000, 999_999_999));
        return Combinators.combine(unscaled, scale).as(BigDecimal::new);
    }

    @Provide
    Arbitrary<String> codes() {
        return Arbitraries.oneOf(Arbitraries.of("USD", "EUR", "JPY", "KWD", "XXX", "XAU", "CLF", "usd", ""),
                                 Arbitraries.strings().withCharRange('A', 'Z').ofLength(3));
    }

    @Provide
    Arbitrary<Long> cents() {
        return Arbitraries.longs().between(1, Money.MAX_CENTS);
    }
}
