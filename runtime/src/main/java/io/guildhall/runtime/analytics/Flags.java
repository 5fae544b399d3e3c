package io.guildhall.runtime.analytics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guildhall.runtime.config.ConfigException;
import io.guildhall.runtime.http.Json;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Feature flags from {@code analytics.flags}: the same value for every caller. */
final class Flags {
    private final Map<String, String> values = new LinkedHashMap<>();

    Flags(List<Map<String, String>> entries) {
        for (Map<String, String> entry : entries) {
            String name = entry.getOrDefault("name", "").trim();
            if (name.isEmpty() || values.containsKey(name)) {
                throw new ConfigException("analytics.flags: every flag needs a unique name, got '" + name + "'");
            }
            values.put(name, entry.getOrDefault("value", ""));
        }
    }

    /** {@code {"flags":[{"name","value"}]}} for the names asked (all when none), {@code {}} when none match. */
    ObjectNode reply(List<String> names) {
        ArrayNode flags = AnalyticsApi.array();
        values.forEach((name, value) -> {
            if (names.isEmpty() || names.contains(name)) {
                flags.add(Json.object().put("name", name).put("value", value).node());
            }
        });
        return Json.object().put("flags", flags).node();
    }
}
