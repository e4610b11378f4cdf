package dev.eventconsumers.testkit;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.util.ArrayList;
import java.util.List;

/**
 * Generators of what a hostile or careless producer sends, for property tests: JSON text of every shape (strings with
 * every Unicode class, lone surrogates and controls included; numbers of any length and exponent), objects with a
 * payload's own field names and any values, and text that is almost JSON.
 */
public final class HostileJson {
    private HostileJson() {
    }

    /** @return any string: every Unicode class, lone surrogates, controls, empty */
    public static Arbitrary<String> strings() {
        return Arbitraries.oneOf(Arbitraries.strings().all().ofMaxLength(40),
                                 Arbitraries.strings().withCharRange('\u0000', '\u00ff').ofMaxLength(40),
                                 Arbitraries.of("", ".", "..", "/", "a/b", "__x__", "\u0000", "\r\n", "\ud800", "\udfff",
                                                "\u0085", "\ufeff", "x".repeat(2000)));
    }

    /** @return number literals JSON allows, of any length and exponent, and the ones it does not */
    public static Arbitrary<String> numbers() {
        Arbitrary<String> digits = Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30);
        Arbitrary<String> exponent = Arbitraries.oneOf(Arbitraries.integers().map(String::valueOf),
                                                       Arbitraries.of("999999999", "-999999999", "12000000",
                                                                      "2147483647", "-2147483648"));
        Arbitrary<String> literal = Combinators.combine(Arbitraries.of("", "-"), digits, digits.injectNull(0.5),
                                                        exponent.injectNull(0.5))
                .as((sign, whole, fraction, exp) -> sign + whole.replaceFirst("^0+(?=\\d)", "")
                        + (fraction == null ? "" : "." + fraction) + (exp == null ? "" : "e" + exp));
        return Arbitraries.oneOf(literal, Arbitraries.of("0", "-0", "1e5", "1E-2", "9".repeat(1000), "0.1e-99999",
                                                         "NaN", "Infinity", "01", "1.", ".5", "+1"));
    }

    /** @return any JSON value, nested up to the given depth */
    public static Arbitrary<String> values(int depth) {
        List<Arbitrary<String>> choices = new ArrayList<>(List.of(strings().map(HostileJson::quote), numbers(),
                                                                 Arbitraries.of("true", "false", "null")));
        if (depth > 0) {
            Arbitrary<String> inner = Arbitraries.lazy(() -> values(depth - 1));
            choices.add(inner.list().ofMaxSize(4).map(items -> "[" + String.join(",", items) + "]"));
            choices.add(Combinators.combine(strings(), inner).as((k, v) -> quote(k) + ":" + v).list().ofMaxSize(4)
                                .map(members -> "{" + String.join(",", members) + "}"));
        }
        return Arbitraries.oneOf(choices);
    }

    /**
     * @param fields a payload's own field names
     * @return JSON objects with (some of) those fields and any values, so that a decoder's mapping is exercised
     */
    public static Arbitrary<String> objectsWith(List<String> fields) {
        return Combinators.combine(Arbitraries.of(fields), values(2)).as((k, v) -> quote(k) + ":" + v)
                .list().ofMaxSize(fields.size() + 2).map(members -> "{" + String.join(",", members) + "}");
    }

    /** @return text that is almost JSON: cut, doubled, commented, quoted with ' , prefixed by a byte order mark */
    public static Arbitrary<String> almost(Arbitrary<String> json) {
        return Combinators.combine(json, Arbitraries.integers().between(0, 6), Arbitraries.integers().between(0, 40))
                .as((text, how, at) -> switch (how) {
                    case 0 -> text.substring(0, Math.min(at, text.length()));
                    case 1 -> text + text;
                    case 2 -> "/* c */" + text;
                    case 3 -> text.replace('"', '\'');
                    case 4 -> "\ufeff" + text;
                    case 5 -> text + "]";
                    default -> text;
                });
    }

    /**
     * @param text any string
     * @return it as a JSON string literal, every character outside printable ASCII escaped (lone surrogates too)
     */
    public static String quote(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
