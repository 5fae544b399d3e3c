package io.guildhall.runtime.config;

import io.guildhall.spi.PluginConfig;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The effective configuration. A key's value comes from, first match wins: a command-line flag
 * {@code --section.key=value}, the environment variable {@code GUILDHALL_SECTION_KEY}, the YAML
 * file, then the built-in default.
 */
public final class Config {
    private static final String ENV_PREFIX = "GUILDHALL_";

    private final Map<String, String> flags;
    private final Map<String, String> environment;
    private final Map<String, String> file;

    public Config(Map<String, String> flags, Map<String, String> environment, Map<String, String> file) {
        this.flags = Map.copyOf(flags);
        this.environment = Map.copyOf(environment);
        this.file = Map.copyOf(file);
    }

    public static String environmentName(String key) {
        return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    /** The value of any key, core or plugin, or null when set nowhere. */
    public String raw(String key) {
        String value = flags.get(key);
        if (value == null) {
            value = environment.get(environmentName(key));
        }
        if (value == null) {
            value = file.get(key);
        }
        return value;
    }

    /** Any key as a whole number, or the default when set nowhere (for settings read per listener prefix). */
    public long number(String key, long defaultValue) {
        String value = raw(key);
        return value == null ? defaultValue : parseNumber(key, value);
    }

    public String string(Setting setting) {
        String value = raw(setting.key());
        return value == null ? setting.defaultValue() : value;
    }

    public long number(Setting setting) {
        return parseNumber(setting.key(), string(setting));
    }

    public int integer(Setting setting) {
        long value = number(setting);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw new ConfigException(setting.key() + " is out of range: " + value);
        }
        return (int) value;
    }

    public boolean bool(Setting setting) {
        return parseBool(setting.key(), string(setting));
    }

    /**
     * A list of objects: from YAML a sequence of mappings, from the environment or a flag the flat
     * form {@code v1:v2:v3,v1:v2} with values in the setting's field order (a missing trailing value
     * is absent; the last field may hold colons). Unknown fields stop start-up.
     */
    public List<Map<String, String>> objects(Setting setting) {
        if (!setting.isObjectList()) {
            throw new IllegalArgumentException(setting.key() + " is not a list of objects");
        }
        List<String> fields = setting.fields().stream().map(f -> f.startsWith("*") ? f.substring(1) : f).toList();
        String value = string(setting).trim();
        List<Map<String, String>> list = new ArrayList<>();
        if (value.startsWith("[")) {
            for (Map<String, String> item : ObjectList.parseJson(setting.key(), value)) {
                for (String field : item.keySet()) {
                    if (!fields.contains(field)) {
                        throw new ConfigException("Unknown configuration key '" + setting.key() + "[]." + field
                                + "'; valid: " + String.join(", ", fields));
                    }
                }
                list.add(item);
            }
            return list;
        }
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            String[] parts = entry.trim().split(":", fields.size());
            Map<String, String> item = new java.util.LinkedHashMap<>();
            for (int i = 0; i < parts.length; i++) {
                item.put(fields.get(i), parts[i]);
            }
            list.add(item);
        }
        return list;
    }

    /** A list of objects in the flat form with the secret fields masked. */
    private String describeObjects(Setting setting) {
        List<String> entries = new ArrayList<>();
        for (Map<String, String> item : objects(setting)) {
            List<String> parts = new ArrayList<>();
            for (String field : setting.fields()) {
                String name = field.startsWith("*") ? field.substring(1) : field;
                String v = item.getOrDefault(name, "");
                parts.add(field.startsWith("*") ? mask(v) : v);
            }
            entries.add(String.join(":", parts));
        }
        return "[" + String.join(",", entries) + "]";
    }

    /** True when the key still has its built-in default (used for the default-key warning). */
    public boolean isDefault(Setting setting) {
        return string(setting).equals(setting.defaultValue());
    }

    /** A plugin's view of its own section. */
    public PluginConfig section(String section) {
        return new PluginConfig() {
            @Override
            public String string(String key, String defaultValue) {
                String value = raw(section + "." + key);
                return value == null ? defaultValue : value;
            }

            @Override
            public long number(String key, long defaultValue) {
                String value = raw(section + "." + key);
                return value == null ? defaultValue : parseNumber(section + "." + key, value);
            }

            @Override
            public boolean bool(String key, boolean defaultValue) {
                String value = raw(section + "." + key);
                return value == null ? defaultValue : parseBool(section + "." + key, value);
            }

            @Override
            public java.net.URI url(String key, String defaultValue) {
                String value = string(key, defaultValue).trim();
                try {
                    java.net.URI uri = new java.net.URI(value);
                    if (uri.getHost() != null && ("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                        return uri;
                    }
                } catch (java.net.URISyntaxException e) {
                    // reported below
                }
                throw new ConfigException(section + "." + key + " must be an absolute http(s) URL, got '" + value + "'");
            }

            @Override
            public List<String> list(String key) {
                String value = raw(section + "." + key);
                if (value == null || value.isBlank()) {
                    return List.of();
                }
                return Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
            }
        };
    }

    /** Keys set in the file or by flags that are neither core settings nor under a known plugin section. */
    public List<String> unknownKeys(List<String> pluginSections) {
        List<String> unknown = new ArrayList<>();
        for (String key : allSetKeys()) {
            if (Setting.byKey(key) == null && pluginSections.stream().noneMatch(s -> key.startsWith(s + "."))) {
                unknown.add(key);
            }
        }
        return unknown;
    }

    /** Every core setting and every other key set anywhere, secrets masked, for the start-up log. */
    public String describe() {
        Map<String, String> shown = new TreeMap<>();
        for (Setting setting : Setting.values()) {
            String value = setting.isObjectList() ? describeObjects(setting)
                    : setting.secret() ? mask(string(setting)) : string(setting);
            shown.put(setting.key(), value);
        }
        for (String key : allSetKeys()) {
            if (!shown.containsKey(key)) {
                shown.put(key, looksSecret(key) ? mask(raw(key)) : raw(key));
            }
        }
        return shown.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    private List<String> allSetKeys() {
        List<String> keys = new ArrayList<>(file.keySet());
        keys.addAll(flags.keySet());
        return keys.stream().distinct().sorted().toList();
    }

    private static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("key") || k.contains("secret") || k.contains("password") || k.contains("credentials");
    }

    private static String mask(String value) {
        return value == null || value.isEmpty() ? "" : "*****";
    }

    private static long parseNumber(String key, String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + " must be a whole number, got '" + value + "'");
        }
    }

    private static boolean parseBool(String key, String value) {
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true", "1", "yes", "on":
                return true;
            case "false", "0", "no", "off":
                return false;
            default:
                throw new ConfigException(key + " must be true or false, got '" + value + "'");
        }
    }
}
