package io.guildhall.spi;

import java.time.Clock;

/** What the runtime hands a plugin at start-up: its settings and the server's shared services. */
public interface ProviderContext {
    /** The provider's configuration section (for example {@code social.apple}). */
    PluginConfig config();

    /** The shared outbound HTTP client; plugins never build their own. */
    OutboundHttp http();

    /** The shared cache of published keys and certificates. */
    KeySets keySets();

    /** The server's clock: read time only from it, so that tests can set it. */
    Clock clock();

    /** The server's signature checks (native where available); use them rather than the JDK's directly. */
    Crypto crypto();
}
