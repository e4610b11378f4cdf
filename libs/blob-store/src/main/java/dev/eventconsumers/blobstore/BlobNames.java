package dev.eventconsumers.blobstore;

import java.util.regex.Pattern;

/** Object and bucket names that are safe to use as keys and as paths in a local folder. */
public final class BlobNames {
    private static final Pattern BUCKET = Pattern.compile("^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$");
    private static final int MAX_NAME_BYTES = 1024;

    private BlobNames() {
    }

    /**
     * @param name object name
     * @return why it is unsafe, or null when it is fine: empty, over 1024 bytes, NUL or other control characters,
     *         absolute, {@code .} or {@code ..} segments, empty segments, backslashes
     */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "is empty";
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            return "is longer than " + MAX_NAME_BYTES + " bytes";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == 0) {
                return "contains NUL";
            }
            if (c < 0x20 || c == 0x7f) {
                return "contains a control character";
            }
            if (c == '\\') {
                return "contains a backslash";
            }
        }
        if (name.startsWith("/")) {
            return "is absolute";
        }
        for (String segment : name.split("/", -1)) {
            if (segment.equals("..") || segment.equals(".")) {
                return "has a '" + segment + "' segment";
            }
            if (segment.isEmpty()) {
                return "has an empty segment";
            }
        }
        return null;
    }

    /**
     * @param name object name
     * @return the name
     * @throws IllegalArgumentException when it is unsafe
     */
    public static String requireValid(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new IllegalArgumentException("object name " + printable(name) + " " + problem);
        }
        return name;
    }

    /**
     * @param bucket bucket name
     * @return the name
     * @throws IllegalArgumentException unless it follows Cloud Storage's rules (lower case, digits, {@code ._-})
     */
    public static String requireValidBucket(String bucket) {
        if (bucket == null || !BUCKET.matcher(bucket).matches() || bucket.contains("..")) {
            throw new IllegalArgumentException("bucket name " + printable(bucket) + " is not a valid bucket name");
        }
        return bucket;
    }

    /**
     * @param name any string
     * @return it quoted, with control characters escaped, for messages
     */
    public static String printable(String name) {
        if (name == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("'");
        for (char c : name.toCharArray()) {
            out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.append('\'').toString();
    }
}
