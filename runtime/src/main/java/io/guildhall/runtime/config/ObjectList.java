package io.guildhall.runtime.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a list of objects kept as JSON text (how the loader keeps a YAML sequence of mappings). */
final class ObjectList {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ObjectList() {
    }

    static List<Map<String, String>> parseJson(String key, String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ConfigException(key + " must be a list of objects: " + e.getOriginalMessage());
        }
        List<Map<String, String>> list = new ArrayList<>();
        for (JsonNode item : root) {
            if (!item.isObject()) {
                throw new ConfigException(key + " must be a list of objects, got " + item);
            }
            Map<String, String> fields = new LinkedHashMap<>();
            item.fields().forEachRemaining(field -> {
                if (field.getValue().isContainerNode()) {
                    throw new ConfigException(key + "[]." + field.getKey() + " must be a plain value");
                }
                if (!field.getValue().isNull()) {
                    fields.put(field.getKey(), field.getValue().asText());
                }
            });
            list.add(fields);
        }
        return list;
    }
}
