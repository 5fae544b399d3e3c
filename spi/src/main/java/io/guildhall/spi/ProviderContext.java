package io.guildhall.spi;

/** What the runtime hands a plugin at start-up. */
public interface ProviderContext {
    /** The provider's configuration section (for example {@code social.apple}). */
    PluginConfig config();
}
