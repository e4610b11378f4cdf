package dev.eventconsumers.deploycheck;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The roles table of docs/operations.md ({@code | identity | role | on | why |}), read as the grants it documents:
 * {@code identity | role | resource}, one per identity, role and resource named in a row. Names are in backticks;
 * "the project", "bucket `uploads`", "services `a`, `b`", "its own Google service account" (for Kubernetes service
 * accounts), and the two Google service agents by their names.
 */
final class RolesTable {
    private static final Pattern TICKED = Pattern.compile("`([^`]+)`");

    private RolesTable() {
    }

    static Set<String> parse(String markdown) {
        List<String> lines = markdown.lines().toList();
        int header = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).replace(" ", "").startsWith("|identity|role|on|why|")) {
                header = i;
                break;
            }
        }
        if (header < 0) {
            throw new AssertionError("docs/operations.md has no table | identity | role | on | why |");
        }
        Set<String> grants = new LinkedHashSet<>();
        for (int i = header + 2; i < lines.size() && lines.get(i).startsWith("|"); i++) {
            String[] cells = lines.get(i).split("\\|");
            if (cells.length < 4) {
                throw new AssertionError("not a row of the roles table: " + lines.get(i));
            }
            List<String> identities = identities(cells[1]);
            List<String> roles = ticked(cells[2]);
            for (String identity : identities) {
                for (String role : roles) {
                    for (String resource : resources(cells[3], identity)) {
                        grants.add(identity + " | " + role + " | " + resource);
                    }
                }
            }
        }
        return grants;
    }

    private static List<String> identities(String cell) {
        if (cell.contains("Pub/Sub service agent")) {
            return List.of("Pub/Sub service agent");
        }
        if (cell.contains("Cloud Storage service agent")) {
            return List.of("Cloud Storage service agent");
        }
        List<String> names = ticked(cell);
        if (cell.contains("Kubernetes service account")) {
            return names.stream().map(n -> "ksa " + n).toList();
        }
        return names;
    }

    private static List<String> resources(String cell, String identity) {
        String text = cell.trim();
        if (text.startsWith("the project")) {
            return List.of("project");
        }
        if (text.startsWith("its own Google service account")) {
            return List.of("account " + identity.replace("ksa ", ""));
        }
        String kind = text.split("\\s+")[0].replaceAll("s$", "");
        return ticked(text).stream().map(name -> kind + " " + name).toList();
    }

    private static List<String> ticked(String cell) {
        List<String> names = new ArrayList<>();
        Matcher m = TICKED.matcher(cell);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }
}
