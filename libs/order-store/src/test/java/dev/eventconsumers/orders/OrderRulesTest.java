package dev.eventconsumers.orders;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrderRulesTest {

    @Test
    void statusMovesOnlyForward() {
        assertEquals(OrderStatus.Transition.ALLOWED, OrderStatus.CREATED.to(OrderStatus.PAYMENT_PROCESSED));
        assertEquals(OrderStatus.Transition.ALLOWED, OrderStatus.PAYMENT_PROCESSED.to(OrderStatus.COMPLETED));
        assertEquals(OrderStatus.Transition.ALLOWED, OrderStatus.CREATED.to(OrderStatus.CANCELLED));
        assertEquals(OrderStatus.Transition.NO_OP, OrderStatus.COMPLETED.to(OrderStatus.COMPLETED));
        assertEquals(OrderStatus.Transition.ILLEGAL, OrderStatus.COMPLETED.to(OrderStatus.CREATED));
        assertEquals(OrderStatus.Transition.ILLEGAL, OrderStatus.PAYMENT_PROCESSED.to(OrderStatus.CANCELLED));
        assertEquals(OrderStatus.Transition.ILLEGAL, OrderStatus.CANCELLED.to(OrderStatus.PAYMENT_PROCESSED));
        assertEquals(OrderStatus.Transition.ILLEGAL, OrderStatus.CREATED.to(OrderStatus.COMPLETED));
    }

    @Test
    void moneyIsExactCentsWithinTheReferencesBounds() {
        assertEquals(4999, Money.cents(new BigDecimal("49.99")));
        assertEquals(10_000_000, Money.cents(new BigDecimal("100000")));
        assertEquals(30, Money.cents(new BigDecimal("0.1").add(new BigDecimal("0.2"))), "no double rounding");
        assertEquals(new BigDecimal("49.90"), Money.amount(4990));
        assertThrows(IllegalArgumentException.class, () -> Money.cents(new BigDecimal("0")));
        assertThrows(IllegalArgumentException.class, () -> Money.cents(new BigDecimal("-1")));
        assertThrows(IllegalArgumentException.class, () -> Money.cents(new BigDecimal("100000.01")));
        assertThrows(IllegalArgumentException.class, () -> Money.cents(new BigDecimal("1.005")));
        assertEquals(100, Money.cents(new BigDecimal("1.000")), "trailing zeros are not decimals");
    }

    @Test
    void hugeExponentsAreRefusedBeforeAnyArithmetic() {
        // 1e12000000 once took 10 s of CPU, larger exponents the whole heap: scaling came before the bound.
        for (String literal : new String[]{"1e12000000", "9.99e999999999", "1E+2147483647", "100000.000000000001e0"}) {
            long began = System.nanoTime();
            assertThrows(IllegalArgumentException.class, () -> Money.cents(new BigDecimal(literal)), literal);
            assertTrue(System.nanoTime() - began < 1_000_000_000L, literal + " took over a second");
        }
        for (String literal : new String[]{"1e-12000000", "1E-2147483647"}) {
            assertEquals("has more than two decimals", assertThrows(
                    IllegalArgumentException.class, () -> Money.cents(new BigDecimal(literal))).getMessage(), literal);
        }
        assertEquals(10_000_000, Money.cents(new BigDecimal("1e5")));
        assertEquals(10_000_000, Money.cents(new BigDecimal("100000.0000000")));
    }

    @Test
    void currenciesKeepTheirMinorUnits() {
        assertTrue(Money.isCurrency("JPY") && Money.isCurrency("EUR") && !Money.isCurrency("ABC")
                           && !Money.isCurrency("usd"));
        Money.requireMinorUnits(150_000, "JPY");
        assertThrows(IllegalArgumentException.class, () -> Money.requireMinorUnits(150_050, "JPY"));
        Money.requireMinorUnits(4999, "USD");
        assertEquals(new BigDecimal("1500"), Money.amount(150_000, "JPY"));
        assertEquals(new BigDecimal("49.99"), Money.amount(4999, "EUR"));
        assertEquals(new BigDecimal("1500.50"), Money.amount(150_050, "JPY"), "stored before the rule: kept exact");
    }

    @Test
    void orderIdsCarryTheDayAndEightHexDigits() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-27T23:59:59Z"), ZoneOffset.UTC);
        String id = OrderIds.next(clock, new Random(1));
        assertTrue(id.startsWith("ORD-20261127-"), id);
        assertTrue(OrderIds.valid(id), id);
        assertTrue(!OrderIds.valid("ORD-2026-1a2b3c4d"));
        assertTrue(!OrderIds.valid("../ORD-20261127-1a2b3c4d"));
    }
}
