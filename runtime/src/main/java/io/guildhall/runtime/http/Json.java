package io.guildhall.runtime.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The shared Jackson mapper, and the builder for wire responses that omit zero values. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);

    private Json() {
    }

    public static byte[] bytes(Object value) {
        try {
            return MAPPER.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode response", e);
        }
    }

    /** A response object; {@code put} skips the protobuf zero values (null, "", false, 0, empty). */
    public static Out object() {
        return new Out(JsonNodeFactory.instance.objectNode());
    }

    public static final class Out {
        private final ObjectNode node;

        private Out(ObjectNode node) {
            this.node = node;
        }

        public Out put(String name, String value) {
            if (value != null && !value.isEmpty()) {
                node.put(name, value);
            }
            return this;
        }

        /** An int32 field: a JSON number. */
        public Out put(String name, int value) {
            if (value != 0) {
                node.put(name, value);
            }
            return this;
        }

        public Out put(String name, Out value) {
            if (value != null && !value.node.isEmpty()) {
                node.set(name, value.node);
            }
            return this;
        }

        public Out put(String name, JsonNode value) {
            if (value != null && !value.isEmpty()) {
                node.set(name, value);
            }
            return this;
        }

        public ObjectNode node() {
            return node;
        }
    }
}
