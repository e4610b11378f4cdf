package dev.eventconsumers.deploycheck;

/** Validity of the five-field cron schedules PingSources take (minute hour day-of-month month day-of-week). */
final class Cron {
    private static final int[][] RANGES = {{0, 59}, {0, 23}, {1, 31}, {1, 12}, {0, 7}};

    private Cron() {
    }

    /**
     * @param schedule e.g. {@code 0 2 * * *}, optionally prefixed by {@code CRON_TZ=Zone}
     * @return why it is invalid, or null
     */
    static String problem(String schedule) {
        String spec = schedule.trim();
        if (spec.startsWith("CRON_TZ=") || spec.startsWith("TZ=")) {
            int space = spec.indexOf(' ');
            if (space < 0) {
                return "a time zone but no schedule";
            }
            try {
                java.time.ZoneId.of(spec.substring(spec.indexOf('=') + 1, space));
            } catch (java.time.DateTimeException e) {
                return "unknown time zone: " + e.getMessage();
            }
            spec = spec.substring(space + 1).trim();
        }
        String[] fields = spec.split("\\s+");
        if (fields.length != 5) {
            return "has " + fields.length + " fields, not 5";
        }
        for (int i = 0; i < 5; i++) {
            for (String part : fields[i].split(",", -1)) {
                if (!validPart(part, RANGES[i][0], RANGES[i][1])) {
                    return "field " + (i + 1) + " '" + fields[i] + "' is not valid";
                }
            }
        }
        return null;
    }

    private static boolean validPart(String part, int min, int max) {
        String range = part;
        if (part.contains("/")) {
            String[] stepped = part.split("/", -1);
            if (stepped.length != 2 || !number(stepped[1], 1, max)) {
                return false;
            }
            range = stepped[0];
        }
        if (range.equals("*")) {
            return true;
        }
        if (range.contains("-")) {
            String[] bounds = range.split("-", -1);
            return bounds.length == 2 && number(bounds[0], min, max) && number(bounds[1], min, max)
                    && Integer.parseInt(bounds[0]) <= Integer.parseInt(bounds[1]);
        }
        return number(range, min, max);
    }

    private static boolean number(String text, int min, int max) {
        if (text.isEmpty() || !text.chars().allMatch(Character::isDigit) || text.length() > 2) {
            return false;
        }
        int value = Integer.parseInt(text);
        return value >= min && value <= max;
    }
}
