package io.guildhall.spi;

import java.util.List;

/** A plugin's own configuration section; values come from the YAML file, environment and flags. */
public interface PluginConfig {
    String string(String key, String defaultValue);

    long number(String key, long defaultValue);

    boolean bool(String key, boolean defaultValue);

    /**
     * An absolute http or https URL (a platform endpoint, a key source); a value that is not one
     * stops start-up with a message naming the key.
     */
    java.net.URI url(String key, String defaultValue);

    /** A list value, or a comma-separated string split into a list. */
    List<String> list(String key);
}
