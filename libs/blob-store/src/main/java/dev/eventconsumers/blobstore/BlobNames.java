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
     * @return why it is unsafe, or null when it is fine: empty, over 1024 bytes of UTF-8, not text (a lone UTF-16
     *         surrogate has no UTF-8), NUL or other control characters, absolute, {@code .} or {@code ..} segments,
     *         empty segments, backslashes
     */
    public static String problem(String name) {
        if (name == null || name.isEmpty()) {
            return "is empty";
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < name.length() && Character.isLowSurrogate(name.charAt(i + 1))) {
                i++;
                continue;
            }
            if (Character.isSurrogate(c)) {
                return "contains a lone UTF-16 surrogate, which no object name can hold";
            }
            if (c == 0) {
                return "contains NUL";
            }
            if (c < 0x20 || c >= 0x7f && c <= 0x9f) {
                return "contains a control character";
            }
            if (c == '\\') {
                return "contains a backslash";
            }
        }
        if (name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            return "is longer than " + MAX_NAME_BYTES + " bytes";
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

    /** The longest {@link #segment}: three of them stay far below Cloud Storage's 1024 bytes and a folder's 255. */
    public static final int MAX_SEGMENT = 200;

    /**
     * @param value any text, e.g. an event's id
     * @return one safe path segment for it: percent-encoded (so no value names a path, and {@code .} or {@code ..}
     *         become {@code %2E}), and when that is longer than {@value #MAX_SEGMENT} characters, cut and ended by a
     *         hash of the whole value, so that the same value always makes the same segment
     */
    public static String segment(String value) {
        String encoded = java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
        if (encoded.equals(".") || encoded.equals("..")) {
            encoded = encoded.replace(".", "%2E");
        }
        if (encoded.length() <= MAX_SEGMENT) {
            return encoded;
        }
        String head = encoded.substring(0, MAX_SEGMENT - 33).replaceAll("%[0-9A-F]?$", "");
        return head + "~" + sha256Hex(value).substring(0, 32);
    }

    private static String sha256Hex(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                                                              .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
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
            out.append(c < 0x20 || c >= 0x7f && c <= 0x9f || Character.isSurrogate(c)
                               ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return out.append('\'').toString();
    }
}
