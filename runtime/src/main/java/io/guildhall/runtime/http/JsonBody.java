package io.guildhall.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.guildhall.runtime.util.Utf16;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.RequestBody;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A request body as the gateway reads it: field names in snake_case or lowerCamelCase, unknown
 * fields ignored, JSON null as absent, int64 as number or numeric string. Strict where a lenient
 * decoder would let bad data in: invalid or overlong UTF-8, duplicate keys (as Nakama's decoder) and
 * strings with lone UTF-16 surrogates (escaped as {@code \ud800}) are 400.
 */
public final class JsonBody implements RequestBody {
    private static final JsonBody EMPTY = new JsonBody(MissingNode.getInstance());
    private static final ObjectReader READER = Json.MAPPER.reader().with(StreamReadFeature.STRICT_DUPLICATE_DETECTION);

    private final JsonNode node;

    private JsonBody(JsonNode node) {
        this.node = node;
    }

    /** A body view of one JSON object (an element of an array field). */
    public static JsonBody of(JsonNode object) {
        if (object == null || !object.isObject()) {
            throw ApiException.invalid("expected an object, got " + object);
        }
        return new JsonBody(object);
    }

    /** An array field's elements; absent or null reads as empty. */
    public java.util.List<JsonNode> array(String name) {
        JsonNode value = field(name);
        if (value == null) {
            return java.util.List.of();
        }
        if (!value.isArray()) {
            throw ApiException.invalid("invalid value for repeated field " + name + ": not an array");
        }
        java.util.List<JsonNode> items = new java.util.ArrayList<>(value.size());
        value.forEach(items::add);
        return items;
    }

    /** A bool field (also "true"/"false" as strings, as grpc-gateway accepts); absent is false. */
    public boolean bool(String name) {
        JsonNode value = field(name);
        if (value == null) {
            return false;
        }
        if (value.isBoolean()) {
            return value.booleanValue();
        }
        if (value.isTextual() && (value.textValue().equals("true") || value.textValue().equals("false"))) {
            return value.textValue().equals("true");
        }
        throw ApiException.invalid("invalid value for bool field " + name + ": " + value);
    }

    /** The raw value of a field (either spelling), or null. */
    public JsonNode raw(String name) {
        return field(name);
    }

    public static JsonBody parse(byte[] bytes) {
        if (bytes.length == 0) {
            return EMPTY;
        }
        requireUtf8(bytes);
        JsonNode node;
        try {
            node = READER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid("Invalid JSON body: " + shorten(e.getOriginalMessage()));
        } catch (IOException e) {
            throw ApiException.invalid("Invalid JSON body.");
        }
        if (node == null || node.isMissingNode()) {
            return EMPTY;
        }
        if (!node.isObject()) {
            throw ApiException.invalid("Invalid JSON body: expected an object.");
        }
        requireValidStrings(node);
        return new JsonBody(node);
    }

    /** Jackson lets overlong and other invalid UTF-8 through in places; the JDK's decoder does not. */
    private static void requireUtf8(byte[] bytes) {
        for (byte b : bytes) {
            if (b < 0) {
                try {
                    StandardCharsets.UTF_8.newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .onUnmappableCharacter(CodingErrorAction.REPORT)
                            .decode(ByteBuffer.wrap(bytes));
                } catch (CharacterCodingException e) {
                    throw ApiException.invalid("Invalid JSON body: not valid UTF-8.");
                }
                return;
            }
        }
    }

    /** Every field name and string value, at any depth, must be valid UTF-16 (no lone surrogate). */
    private static void requireValidStrings(JsonNode node) {
        if (node.isTextual()) {
            if (!Utf16.isValid(node.textValue())) {
                throw ApiException.invalid("Invalid JSON body: string with an unpaired surrogate.");
            }
        } else if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!Utf16.isValid(field.getKey())) {
                    throw ApiException.invalid("Invalid JSON body: string with an unpaired surrogate.");
                }
                requireValidStrings(field.getValue());
            }
        } else if (node.isArray()) {
            node.forEach(JsonBody::requireValidStrings);
        }
    }

    /** A body made from fields (e.g. what a before hook returned), read exactly like a parsed one. */
    public static JsonBody of(Map<String, ?> fields) {
        return new JsonBody(Json.MAPPER.valueToTree(fields));
    }

    /** The body's fields as plain Java values (strings, numbers, booleans, lists, maps), less {@code except}. */
    public Map<String, Object> fields(String... except) {
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        node.fields().forEachRemaining(field -> {
            if (!java.util.Arrays.asList(except).contains(field.getKey())) {
                fields.put(field.getKey(), Json.MAPPER.convertValue(field.getValue(), Object.class));
            }
        });
        return fields;
    }

    /**
     * Decoder messages quote the offending input (keep error bodies small) and may suggest a decoder
     * feature to enable: a client has no use for the name of a library switch.
     */
    private static String shorten(String message) {
        for (String hint : new String[]{": enable `", " (for example, enable", "; enable `", " (or enable"}) {
            int at = message.indexOf(hint);
            if (at >= 0) {
                message = message.substring(0, at);
            }
        }
        return message.length() <= 200 ? message : message.substring(0, 200) + "...";
    }

    private JsonNode field(String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            value = node.get(camel(name));
        }
        return value == null || value.isNull() ? null : value;
    }

    static String camel(String snake) {
        int underscore = snake.indexOf('_');
        if (underscore < 0) {
            return snake;
        }
        StringBuilder out = new StringBuilder(snake.length());
        boolean upper = false;
        for (int i = 0; i < snake.length(); i++) {
            char c = snake.charAt(i);
            if (c == '_') {
                upper = true;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return out.toString();
    }

    @Override
    public boolean has(String name) {
        return field(name) != null;
    }

    @Override
    public String string(String name) {
        JsonNode value = field(name);
        if (value == null) {
            return "";
        }
        if (!value.isTextual()) {
            throw ApiException.invalid("invalid value for string field " + name + ": " + value);
        }
        return value.textValue();
    }

    /** A StringValue wrapper: null when absent or null, else the string (possibly empty). */
    public String optionalString(String name) {
        return has(name) ? string(name) : null;
    }

    @Override
    public long int64(String name) {
        JsonNode value = field(name);
        if (value == null) {
            return 0;
        }
        try {
            BigDecimal number;
            if (value.isNumber()) {
                number = value.decimalValue();
            } else if (value.isTextual()) {
                number = new BigDecimal(value.textValue().trim());
            } else {
                throw new NumberFormatException();
            }
            return number.longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw ApiException.invalid("invalid value for int64 field " + name + ": " + value);
        }
    }

    @Override
    public JsonBody object(String name) {
        JsonNode value = field(name);
        if (value == null) {
            return EMPTY;
        }
        if (!value.isObject()) {
            throw ApiException.invalid("invalid value for object field " + name + ": " + value);
        }
        return new JsonBody(value);
    }

    /** A {@code map<string,string>} field; absent, null and {} all read as empty. */
    public Map<String, String> stringMap(String name) {
        JsonNode value = field(name);
        if (value == null) {
            return Map.of();
        }
        if (!value.isObject()) {
            throw ApiException.invalid("invalid value for map field " + name + ": " + value);
        }
        Map<String, String> map = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            if (!entry.getValue().isTextual()) {
                throw ApiException.invalid("invalid value for map field " + name + ": " + entry.getValue());
            }
            map.put(entry.getKey(), entry.getValue().textValue());
        }
        return map;
    }
}
