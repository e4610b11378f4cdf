package dev.eventconsumers.ordersapi;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * CPU one order body costs the API to read and refuse, for the number literals that once pinned a CPU (issue 15: under
 * 50 ms each): the whole of what {@code POST /orders} and {@code PATCH} do with a body before any backend call, timed
 * with the thread's CPU clock, worst of {@code --rounds} (default 20) after 5 warm-up rounds.
 * <p>
 * {@code ./dev bench orders-api [--rounds N]}
 */
public final class NumberLiteralBenchmark {
    private static final List<String> LITERALS = List.of("1e12000000", "-1e999999999", "1E-999999999",
            "0e-2147483648", "9".repeat(1000), "0." + "0".repeat(60000) + "1", "1" + "0".repeat(60000),
            "0.1e-99999", "49.99");

    private NumberLiteralBenchmark() {
    }

    public static void main(String[] args) {
        int rounds = args.length == 2 && args[0].equals("--rounds") ? Integer.parseInt(args[1]) : 20;
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        System.out.printf("%-28s %12s %12s %s%n", "literal", "create ms", "patch ms", "answer");
        for (String literal : LITERALS) {
            byte[] create = ("{\"customer_id\":\"cust-1\",\"total_amount\":" + literal + ",\"items\":[\"a\"]}")
                    .getBytes(StandardCharsets.UTF_8);
            byte[] patch = ("{\"total_amount\":" + literal + "}").getBytes(StandardCharsets.UTF_8);
            String answer = "";
            double worstCreate = 0;
            double worstPatch = 0;
            for (int round = -5; round < rounds; round++) {
                long began = cpu.getCurrentThreadCpuTime();
                answer = outcome(() -> OrderJson.newOrder(create));
                long created = cpu.getCurrentThreadCpuTime();
                outcome(() -> OrderJson.patch(patch));
                long patched = cpu.getCurrentThreadCpuTime();
                if (round >= 0) {
                    worstCreate = Math.max(worstCreate, (created - began) / 1e6);
                    worstPatch = Math.max(worstPatch, (patched - created) / 1e6);
                }
            }
            String shown = literal.length() > 24 ? literal.substring(0, 12) + "..(" + literal.length() + ")" : literal;
            System.out.printf("%-28s %12.2f %12.2f %s%n", shown, worstCreate, worstPatch, answer);
        }
    }

    private static String outcome(Runnable parse) {
        try {
            parse.run();
            return "accepted";
        } catch (OrderJson.InvalidRequestException e) {
            return "400 " + e.errors().stream().map(f -> f.name()).toList();
        }
    }
}
