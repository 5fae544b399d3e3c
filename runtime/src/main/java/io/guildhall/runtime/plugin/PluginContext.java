package io.guildhall.runtime.plugin;

import io.guildhall.spi.Crypto;
import io.guildhall.spi.KeySets;
import io.guildhall.spi.OutboundHttp;
import io.guildhall.spi.PluginConfig;
import io.guildhall.spi.ProviderContext;
import io.guildhall.spi.analytics.AnalyticsClient;
import io.guildhall.spi.module.Accounts;
import io.guildhall.spi.module.ModuleContext;
import org.slf4j.Logger;

import java.time.Clock;

/** What a plugin sees of the server: its config section and logger, and the services every plugin shares. */
record PluginContext(PluginConfig config, Logger logger, PluginHost.Services services)
        implements ProviderContext, ModuleContext {
    @Override
    public OutboundHttp http() {
        return services.http();
    }

    @Override
    public KeySets keySets() {
        return services.keySets();
    }

    @Override
    public Clock clock() {
        return services.clock();
    }

    @Override
    public Crypto crypto() {
        return services.crypto();
    }

    @Override
    public Accounts accounts() {
        return services.accounts();
    }

    @Override
    public AnalyticsClient analytics() {
        return services.analytics();
    }
}
