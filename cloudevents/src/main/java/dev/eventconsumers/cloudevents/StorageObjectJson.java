package dev.eventconsumers.cloudevents;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.events.cloud.storage.v1.StorageObjectData;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;

import java.io.IOException;
import java.text.ParseException;

/**
 * A fast path for the StorageObjectData JSON Cloud Storage and Eventarc send: one pass of the strict parser straight
 * into the generated builder, where the general path parses a tree, writes it out again, and has protobuf's
 * {@code JsonFormat} read that through Gson and reflection (most of an acknowledged event's cost).
 * <p>
 * It takes only the common shape: lowerCamelCase field names, strings for string fields, JSON integers or decimal
 * strings for integer fields, {@code true}/{@code false} for booleans, timestamps as strings, string-to-string
 * metadata. On anything else (a null, a snake_case name that {@code JsonFormat} would also map, a number where a string
 * belongs, a syntax error) it answers {@code null} and the caller takes the general path, so that every document is
 * accepted or refused exactly as before, with the same words; where this path answers, it answers what the general one
 * does ({@code StorageObjectJsonProperties} checks both against each other). Fields it does not know are skipped, as
 * {@code JsonFormat} ignores unknown fields here, unless deep or holding decimals (the general path may refuse those).
 */
final class StorageObjectJson {
    private static final int MAX_SKIPPED_DEPTH = 32;

    private StorageObjectJson() {
    }

    /**
     * @param json the data, already through {@link StrictJson#checkText}
     * @return the payload, or null to take the general path
     */
    static StorageObjectData read(byte[] json) {
        try (JsonParser p = StrictJson.MAPPER.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            StorageObjectData.Builder b = StorageObjectData.newBuilder();
            JsonToken token;
            while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if (!field(p, name, value, b)) {
                    return null;
                }
            }
            if (token != JsonToken.END_OBJECT || p.nextToken() != null) {
                return null;
            }
            return b.build();
        } catch (IOException | RuntimeException e) {
            // Including every parse error: the general path reports it in its own words.
            return null;
        }
    }

    /** @return false to give up */
    private static boolean field(JsonParser p, String name, JsonToken value, StorageObjectData.Builder b)
            throws IOException {
        switch (name) {
            case "contentEncoding", "contentDisposition", "cacheControl", "contentLanguage", "contentType", "crc32c",
                 "md5Hash", "etag", "storageClass", "kmsKeyName", "name", "id", "bucket", "mediaLink", "selfLink",
                 "kind" -> {
                if (value != JsonToken.VALUE_STRING) {
                    return false;
                }
                string(name, p.getText(), b);
                return true;
            }
            case "metageneration", "size", "generation" -> {
                Long number = int64(p, value);
                if (number == null) {
                    return false;
                }
                switch (name) {
                    case "metageneration" -> b.setMetageneration(number);
                    case "size" -> b.setSize(number);
                    default -> b.setGeneration(number);
                }
                return true;
            }
            case "componentCount" -> {
                Long number = int64(p, value);
                if (number == null || number != number.intValue()) {
                    return false;
                }
                b.setComponentCount(number.intValue());
                return true;
            }
            case "timeDeleted", "timeCreated", "updated", "timeStorageClassUpdated", "retentionExpirationTime" -> {
                Timestamp time = value == JsonToken.VALUE_STRING ? timestamp(p.getText()) : null;
                if (time == null) {
                    return false;
                }
                switch (name) {
                    case "timeDeleted" -> b.setTimeDeleted(time);
                    case "timeCreated" -> b.setTimeCreated(time);
                    case "updated" -> b.setUpdated(time);
                    case "timeStorageClassUpdated" -> b.setTimeStorageClassUpdated(time);
                    default -> b.setRetentionExpirationTime(time);
                }
                return true;
            }
            case "temporaryHold", "eventBasedHold" -> {
                if (value != JsonToken.VALUE_TRUE && value != JsonToken.VALUE_FALSE) {
                    return false;
                }
                if (name.equals("temporaryHold")) {
                    b.setTemporaryHold(value == JsonToken.VALUE_TRUE);
                } else {
                    b.setEventBasedHold(value == JsonToken.VALUE_TRUE);
                }
                return true;
            }
            case "metadata" -> {
                if (value != JsonToken.START_OBJECT) {
                    return false;
                }
                JsonToken token;
                while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    if (p.nextToken() != JsonToken.VALUE_STRING) {
                        return false;
                    }
                    b.putMetadata(key, p.getText());
                }
                return token == JsonToken.END_OBJECT;
            }
            case "customerEncryption" -> {
                if (value != JsonToken.START_OBJECT) {
                    return false;
                }
                StorageObjectData.CustomerEncryption.Builder encryption = StorageObjectData.CustomerEncryption.newBuilder();
                JsonToken token;
                while ((token = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    JsonToken inner = p.nextToken();
                    switch (key) {
                        case "encryptionAlgorithm", "keySha256" -> {
                            if (inner != JsonToken.VALUE_STRING) {
                                return false;
                            }
                            if (key.equals("keySha256")) {
                                encryption.setKeySha256(p.getText());
                            } else {
                                encryption.setEncryptionAlgorithm(p.getText());
                            }
                        }
                        default -> {
                            if (!skippable(key) || !skip(p, inner)) {
                                return false;
                            }
                        }
                    }
                }
                b.setCustomerEncryption(encryption);
                return token == JsonToken.END_OBJECT;
            }
            default -> {
                return skippable(name) && skip(p, value);
            }
        }
    }

    private static void string(String name, String text, StorageObjectData.Builder b) {
        switch (name) {
            case "contentEncoding" -> b.setContentEncoding(text);
            case "contentDisposition" -> b.setContentDisposition(text);
            case "cacheControl" -> b.setCacheControl(text);
            case "contentLanguage" -> b.setContentLanguage(text);
            case "contentType" -> b.setContentType(text);
            case "crc32c" -> b.setCrc32C(text);
            case "md5Hash" -> b.setMd5Hash(text);
            case "etag" -> b.setEtag(text);
            case "storageClass" -> b.setStorageClass(text);
            case "kmsKeyName" -> b.setKmsKeyName(text);
            case "name" -> b.setName(text);
            case "id" -> b.setId(text);
            case "bucket" -> b.setBucket(text);
            case "mediaLink" -> b.setMediaLink(text);
            case "selfLink" -> b.setSelfLink(text);
            default -> b.setKind(text);
        }
    }

    /**
     * An unknown name that {@code JsonFormat} would not map either: its proto names hold underscores, and
     * {@code @type} is special to it.
     */
    private static boolean skippable(String name) {
        return name.indexOf('_') < 0 && name.indexOf('@') < 0;
    }

    /**
     * Skips an unknown field's value, if it is shallow: {@code JsonFormat} reads the document with Gson, which refuses
     * deep nesting that Jackson takes, so a deep value is left to the general path to judge.
     */
    private static boolean skip(JsonParser p, JsonToken value) throws IOException {
        if (!value.isStructStart()) {
            return number(p, value);
        }
        int depth = 1;
        while (depth > 0) {
            JsonToken token = p.nextToken();
            if (token == null || !number(p, token)) {
                return false;
            }
            if (token.isStructStart() && ++depth > MAX_SKIPPED_DEPTH) {
                return false;
            }
            if (token.isStructEnd()) {
                depth--;
            }
        }
        return true;
    }

    /**
     * The general path's tree reads every number, and refuses some (an exponent no BigDecimal holds); so integers are
     * read here too, and decimals are left to it.
     */
    private static boolean number(JsonParser p, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
            return false;
        }
        if (token == JsonToken.VALUE_NUMBER_INT) {
            p.getNumberValue();
        }
        return true;
    }

    /** A JSON integer, or a string {@code Long.parseLong} takes: the two forms {@code JsonFormat} reads first. */
    private static Long int64(JsonParser p, JsonToken value) throws IOException {
        if (value == JsonToken.VALUE_NUMBER_INT) {
            JsonParser.NumberType type = p.getNumberType();
            return type == JsonParser.NumberType.INT || type == JsonParser.NumberType.LONG ? p.getLongValue() : null;
        }
        if (value == JsonToken.VALUE_STRING) {
            try {
                return Long.parseLong(p.getText());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static Timestamp timestamp(String text) {
        Timestamp fast = Rfc3339.timestamp(text);
        if (fast != null) {
            return fast;
        }
        try {
            return Timestamps.parse(text);
        } catch (ParseException e) {
            return null;
        }
    }
}
