package io.guildhall.runtime.plugin;

/** A plugin that cannot be loaded; start-up stops with this message. */
public class PluginException extends RuntimeException {
    public PluginException(String message, Throwable cause) {
        super(message, cause);
    }

    public PluginException(String message) {
        super(message);
    }
}
