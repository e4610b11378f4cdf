package dev.eventconsumers.cloudevents;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * JSON as RFC 8259 has it, and nothing more: one value, UTF-8 without a byte order mark, no comments, no single
 * quotes, no trailing data, no repeated member names. Every JSON payload and every JSON request body the binding reads
 * goes through here before anything maps it, so that a lenient mapper behind it (protobuf's, the SDK's) never sees a
 * document the specification refuses.
 */
final class StrictJson {
    /** Refuses what RFC 8259 refuses; numbers are read exactly. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .disable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_SINGLE_QUOTES,
                     JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS, JsonReadFeature.ALLOW_TRAILING_COMMA,
                     JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES, JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS)
            .build();

    private StrictJson() {
    }

    /**
     * @param json  the bytes
     * @param where the field the bytes came from, for the error ({@code data}, {@code body}, {@code /3})
     * @return the document
     * @throws InvalidEventException naming what is not JSON about it
     */
    static JsonNode parse(byte[] json, String where) {
        checkText(json, where);
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw invalid(where, "is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw invalid(where, "is not valid JSON: " + e.getOriginalMessage());
        } catch (NumberFormatException e) {
            // Jackson throws this bare for a number no BigDecimal holds, such as 0e-2147483648.
            throw invalid(where, "holds a number out of range: " + e.getMessage());
        } catch (IOException e) {
            throw invalid(where, "could not be read: " + e.getMessage());
        }
    }

    /**
     * The checks on the bytes before any parser sees them: no byte order mark (Jackson would skip one), valid UTF-8.
     *
     * @param json  the bytes
     * @param where the field the bytes came from
     * @throws InvalidEventException naming what is wrong
     */
    static void checkText(byte[] json, String where) {
        if (json.length >= 3 && (json[0] & 0xff) == 0xEF && (json[1] & 0xff) == 0xBB && (json[2] & 0xff) == 0xBF) {
            throw invalid(where, "starts with a byte order mark, which JSON text must not (RFC 8259, 8.1)");
        }
        if (isAscii(json)) {
            return;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(json));
        } catch (CharacterCodingException e) {
            throw invalid(where, "is not valid UTF-8");
        }
    }

    /** ASCII is valid UTF-8; most payloads are ASCII and need no decoder. */
    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    private static InvalidEventException invalid(String where, String reason) {
        return new InvalidEventException("invalid-json", "the " + (where.startsWith("/") ? "batch element" : where)
                + " is not strict JSON", where, reason);
    }
}
