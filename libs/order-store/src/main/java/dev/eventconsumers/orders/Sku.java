package dev.eventconsumers.orders;

import java.util.regex.Pattern;

/**
 * What an order item may be: a SKU of 1 to 100 letters, digits, spaces and {@code . _ : -}, starting with a letter or
 * digit. Each becomes a Firestore document id ({@code inventory/{sku}}), so this rules out {@code /} (another
 * document), {@code .} and {@code ..}, the reserved {@code __x__}, and anything invisible.
 */
public final class Sku {
    /** The rule in words, for problems. */
    public static final String RULE = "1 to 100 letters, digits, spaces and . _ : -, starting with a letter or digit";
    private static final Pattern SKU = Pattern.compile("^[\\p{L}\\p{N}][\\p{L}\\p{N} ._:-]{0,99}$");

    private Sku() {
    }

    /**
     * @param item an item of an order
     * @return whether it is a SKU
     */
    public static boolean valid(String item) {
        return item != null && SKU.matcher(item).matches();
    }
}
