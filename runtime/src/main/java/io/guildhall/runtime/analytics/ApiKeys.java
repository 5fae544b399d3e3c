package io.guildhall.runtime.analytics;

import io.guildhall.runtime.config.ConfigException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The configured analytics API keys, compared in constant time. */
public final class ApiKeys {
    /** One key: its name becomes the tokens' {@code api} claim; only some keys may send server events. */
    public record ApiKey(String name, byte[] key, boolean serverEvents) {
    }

    private final List<ApiKey> keys;

    private ApiKeys(List<ApiKey> keys) {
        this.keys = List.copyOf(keys);
    }

    /** From {@code analytics.api_keys}: names unique and non-empty, keys UUIDs and unique. */
    public static ApiKeys from(List<Map<String, String>> entries) {
        List<ApiKey> keys = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Map<String, String> entry : entries) {
            String name = entry.getOrDefault("name", "").trim();
            String key = entry.getOrDefault("key", "").trim();
            if (name.isEmpty() || names.contains(name)) {
                throw new ConfigException("analytics.api_keys: every key needs a unique name, got '" + name + "'");
            }
            try {
                UUID.fromString(key);
            } catch (IllegalArgumentException e) {
                throw new ConfigException("analytics.api_keys: the key named '" + name + "' must be a UUID "
                        + "(Nakama's Satori client sends only UUID keys as Basic credentials)");
            }
            if (values.contains(key)) {
                throw new ConfigException("analytics.api_keys: the key named '" + name + "' repeats another key");
            }
            String serverEvents = entry.getOrDefault("server_events", "false").trim();
            if (!serverEvents.equals("true") && !serverEvents.equals("false")) {
                throw new ConfigException("analytics.api_keys: server_events of '" + name + "' must be true or false");
            }
            names.add(name);
            values.add(key);
            keys.add(new ApiKey(name, key.getBytes(StandardCharsets.UTF_8), serverEvents.equals("true")));
        }
        return new ApiKeys(keys);
    }

    /** The key matching the given user name, or null; every key is compared, so timing tells nothing. */
    public ApiKey find(byte[] username) {
        ApiKey found = null;
        for (ApiKey key : keys) {
            if (MessageDigest.isEqual(key.key(), username)) {
                found = key;
            }
        }
        return found;
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }
}
