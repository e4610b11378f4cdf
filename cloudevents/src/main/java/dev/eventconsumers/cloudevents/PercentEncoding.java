package dev.eventconsumers.cloudevents;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * Percent-decoding of {@code ce-*} header values, which the CloudEvents HTTP binding (3.1.3.2) requires of a
 * receiver and the SDK does not do.
 */
final class PercentEncoding {
    private PercentEncoding() {
    }

    /**
     * @param value header value as received
     * @return the decoded value
     * @throws IllegalArgumentException on a malformed escape or bytes that are not UTF-8
     */
    static String decode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length() || !HexFormat.isHexDigit(value.charAt(i + 1))
                        || !HexFormat.isHexDigit(value.charAt(i + 2))) {
                    throw new IllegalArgumentException("malformed percent-encoding at position " + i);
                }
                bytes.write(HexFormat.fromHexDigits(value, i + 1, i + 3));
                i += 2;
            } else {
                byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("percent-encoded bytes are not UTF-8");
        }
    }
}
