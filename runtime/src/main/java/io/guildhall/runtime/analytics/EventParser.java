package io.guildhall.runtime.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.http.JsonBody;
import io.guildhall.spi.ApiException;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Judges one event of a batch on its own: a valid event becomes an {@link IncomingEvent}, a bad one
 * a {@link Rejected} with a reason code (Satori's debugger style), never a failed request.
 * Fields in snake_case or lowerCamelCase; int64 as number or string; scalar value and metadata
 * values coerced to strings; a timestamp too far ahead is replaced by the receive time and flagged.
 */
final class EventParser {
    static final int MAX_NAME = 128;
    static final int MAX_ID = 128;
    static final int MAX_VALUE = 4096;
    static final int MAX_METADATA_ENTRIES = 64;
    static final int MAX_METADATA_KEY = 128;
    static final int MAX_METADATA_VALUE = 1024;
    static final Pattern IDENTITY = Pattern.compile("[A-Za-z0-9_-]{8,128}");
    private static final Pattern SESSION = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

    private final long maxSkewMillis;

    EventParser(long maxSkewSec) {
        this.maxSkewMillis = maxSkewSec * 1000;
    }

    /** An event the parser refused, with why. */
    record Rejected(String reason, String detail, JsonNode event) {
    }

    static final class RejectedException extends RuntimeException {
        final String reason;

        RejectedException(String reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }

    /**
     * @param identityId the caller's identity for client events (then the event's own fields are not
     *                   read), or null for server events, which name their own
     */
    IncomingEvent parse(JsonNode node, String identityId, String sessionId, String source, long nowMillis) {
        if (node == null || !node.isObject()) {
            throw new RejectedException("INVALID_EVENT", "an event must be a JSON object");
        }
        JsonBody event = JsonBody.of(node);
        String name = text(event, "name", "INVALID_NAME");
        if (name.isEmpty() || name.length() > MAX_NAME) {
            throw new RejectedException("INVALID_NAME", "name must be 1 to " + MAX_NAME + " characters");
        }
        String id = text(event, "id", "INVALID_ID");
        if (id.length() > MAX_ID) {
            throw new RejectedException("INVALID_ID", "id must be at most " + MAX_ID + " characters");
        }
        String value = scalar(event.raw("value"), "INVALID_VALUE", "value");
        if (value.length() > MAX_VALUE) {
            throw new RejectedException("INVALID_VALUE", "value must be at most " + MAX_VALUE + " characters");
        }
        Map<String, String> metadata = metadata(event.raw("metadata"));

        long timestamp = nowMillis;
        boolean skewed = false;
        String time = text(event, "timestamp", "INVALID_TIMESTAMP");
        if (!time.isEmpty()) {
            try {
                timestamp = OffsetDateTime.parse(time).toInstant().toEpochMilli();
            } catch (DateTimeParseException | ArithmeticException e) {
                throw new RejectedException("INVALID_TIMESTAMP", "timestamp must be an RFC 3339 date-time");
            }
            if (timestamp < 0) {
                throw new RejectedException("INVALID_TIMESTAMP", "timestamp is before 1970");
            }
            if (timestamp > nowMillis + maxSkewMillis) {
                timestamp = nowMillis;
                skewed = true;
            }
        }

        long issuedAt = 0;
        long expiresAt = 0;
        if (identityId == null) {
            identityId = text(event, "identity_id", "INVALID_IDENTITY");
            if (!identityId.isEmpty() && !IDENTITY.matcher(identityId).matches()) {
                throw new RejectedException("INVALID_IDENTITY", "identity_id must be 8 to 128 characters of A-Z a-z 0-9 _ -");
            }
            sessionId = text(event, "session_id", "INVALID_SESSION");
            if (!sessionId.isEmpty() && !SESSION.matcher(sessionId).matches()) {
                throw new RejectedException("INVALID_SESSION", "session_id must be 1 to 128 characters of A-Z a-z 0-9 _ . -");
            }
            try {
                issuedAt = event.int64("session_issued_at");
                expiresAt = event.int64("session_expires_at");
            } catch (ApiException e) {
                throw new RejectedException("INVALID_SESSION", e.getMessage());
            }
        }
        return new IncomingEvent(name, id.isEmpty() ? null : id, value, metadata, timestamp, skewed, identityId,
                sessionId, issuedAt, expiresAt, source);
    }

    private static String text(JsonBody event, String field, String reason) {
        try {
            return event.string(field);
        } catch (ApiException e) {
            throw new RejectedException(reason, field + " must be a string");
        }
    }

    /** A string, or a number or boolean as its JSON text; null and absent are "". */
    private static String scalar(JsonNode node, String reason, String what) {
        if (node == null || node.isNull()) {
            return "";
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isNumber() || node.isBoolean()) {
            return node.asText();
        }
        throw new RejectedException(reason, what + " must be a string, number or boolean");
    }

    private static Map<String, String> metadata(JsonNode node) {
        if (node == null || node.isNull()) {
            return Map.of();
        }
        if (!node.isObject()) {
            throw new RejectedException("INVALID_METADATA", "metadata must be an object");
        }
        if (node.size() > MAX_METADATA_ENTRIES) {
            throw new RejectedException("INVALID_METADATA", "metadata has more than " + MAX_METADATA_ENTRIES + " entries");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String value = scalar(field.getValue(), "INVALID_METADATA", "metadata." + shorten(field.getKey()));
            if (field.getKey().length() > MAX_METADATA_KEY || value.length() > MAX_METADATA_VALUE) {
                throw new RejectedException("INVALID_METADATA", "metadata keys are limited to " + MAX_METADATA_KEY
                        + " and values to " + MAX_METADATA_VALUE + " characters");
            }
            metadata.put(field.getKey(), value);
        }
        return metadata;
    }

    private static String shorten(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
