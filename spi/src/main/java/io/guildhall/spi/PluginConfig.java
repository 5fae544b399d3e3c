package io.guildhall.spi;

import java.util.List;

/** A plugin's own configuration section; values come from the YAML file, environment and flags. */
public interface PluginConfig {
    String string(String key, String defaultValue);

    long number(String key, long defaultValue);

    boolean bool(String key, boolean defaultValue);

    /** A list value, or a comma-separated string split into a list. */
    List<String> list(String key);
}
