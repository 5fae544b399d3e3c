package io.guildhall.runtime.analytics.client;

import io.guildhall.runtime.config.Config;
import io.guildhall.runtime.config.ConfigException;
import io.guildhall.runtime.config.Setting;
import io.guildhall.spi.analytics.AnalyticsClient;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;

/** Chooses the modules' analytics client: remote when {@code satori.url} is set, else the embedded service. */
public final class AnalyticsClients {
    private AnalyticsClients() {
    }

    /** True when the configuration names a remote analytics server. */
    public static boolean remote(Config config) {
        return !config.string(Setting.SATORI_URL).isBlank();
    }

    /** The remote client; as in Nakama, a URL without its three keys stops start-up. */
    public static AnalyticsClient remote(Config config, Clock clock, ScheduledExecutorService timer) {
        String url = config.string(Setting.SATORI_URL).trim();
        for (Setting required : List.of(Setting.SATORI_API_KEY_NAME, Setting.SATORI_API_KEY, Setting.SATORI_SIGNING_KEY)) {
            if (config.string(required).isBlank()) {
                throw new ConfigException(required.key() + " must be set when satori.url is set");
            }
        }
        URI base;
        try {
            base = URI.create(url.endsWith("/") ? url : url + "/");
        } catch (IllegalArgumentException e) {
            throw new ConfigException("satori.url is not a URL: " + url);
        }
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme())) {
            throw new ConfigException("satori.url must be an http or https URL, got " + url);
        }
        long timeoutMs = config.number(Setting.SATORI_HTTP_TIMEOUT_MS);
        long retries = config.number(Setting.SATORI_RETRY_COUNT);
        if (timeoutMs < 1 || retries < 0 || retries > 10) {
            throw new ConfigException("satori.http_timeout_ms must be at least 1 and satori.retry_count between 0 and 10");
        }
        return new RemoteAnalyticsClient(base, config.string(Setting.SATORI_API_KEY), config.string(Setting.SATORI_API_KEY_NAME),
                config.string(Setting.SATORI_SIGNING_KEY), Duration.ofMillis(timeoutMs), (int) retries, clock, timer);
    }
}
