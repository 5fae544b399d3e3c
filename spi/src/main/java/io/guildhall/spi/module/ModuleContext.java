package io.guildhall.spi.module;

import io.guildhall.spi.KeySets;
import io.guildhall.spi.OutboundHttp;
import io.guildhall.spi.PluginConfig;
import org.slf4j.Logger;

import java.time.Clock;

/** What a server module gets at start-up: its settings, the shared services and the server's APIs. */
public interface ModuleContext {
    /** The module's configuration section. */
    PluginConfig config();

    /** A logger named after the module. */
    Logger logger();

    /** The shared outbound HTTP client (deadlines, size cap, same-host redirects only). */
    OutboundHttp http();

    /** The shared cache of published keys and certificates. */
    KeySets keySets();

    /** The server's clock. */
    Clock clock();

    /** Player accounts: lookups, updates, bans. */
    Accounts accounts();

    /**
     * The analytics client: the embedded analytics service, or a remote Satori-compatible one when
     * {@code satori.url} is set.
     */
    io.guildhall.spi.analytics.AnalyticsClient analytics();
}
