package io.guildhall.runtime.analytics;

import io.guildhall.runtime.config.Config;
import io.guildhall.runtime.config.ConfigException;
import io.guildhall.runtime.config.Setting;
import io.guildhall.runtime.http.Continue;
import io.guildhall.runtime.http.Execution;
import io.guildhall.runtime.http.Guard;
import io.guildhall.runtime.http.Health;
import io.guildhall.runtime.http.ListenerSettings;
import io.guildhall.runtime.session.SigningKeys;
import io.guildhall.runtime.http.RouteTable;
import io.guildhall.runtime.store.Store;
import io.undertow.server.HttpHandler;
import io.undertow.util.Methods;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The analytics surface (Satori's client API): its parts built from the {@code analytics.*} and
 * {@code event.*} configuration, and its route table. The store, workers and clock are shared
 * with the rest of the server.
 */
public final class Analytics {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Analytics.class);
    private final Config config;
    private final Clock clock;
    private final ApiKeys keys;
    private final AnalyticsTokens tokens;
    private final AnalyticsRevocations revocations;
    private final AnalyticsStore store;
    private final RejectedEvents rejected;
    private final Flags flags;
    /** When the last whole-map prune ran (only the janitor thread reads and writes it). */
    private long lastScanPrune = Long.MIN_VALUE / 2;

    public Analytics(Config config, Store store, Clock clock) {
        validate(config);
        this.config = config;
        this.clock = clock;
        this.keys = ApiKeys.from(config.objects(Setting.ANALYTICS_API_KEYS));
        this.flags = new Flags(config.objects(Setting.ANALYTICS_FLAGS));
        this.tokens = new AnalyticsTokens(sessionKeys(config), config.number(Setting.ANALYTICS_SESSION_TOKEN_EXPIRY_SEC),
                refreshKeys(config), config.number(Setting.ANALYTICS_SESSION_REFRESH_TOKEN_EXPIRY_SEC),
                config.number(Setting.ANALYTICS_VERIFIED_CACHE_BYTES), clock);
        this.revocations = new AnalyticsRevocations(store,
                Math.max(tokens.sessionLifetimeSec(), tokens.refreshLifetimeSec()));
        this.store = analyticsStore(config, store);
        if (this.store.metrics().rebuildIfStale()) {
            LOG.info("Session metrics rebuilt: stored with other settings (or none) than {}",
                    "analytics.session_inactivity_sec, analytics.idle_cap_sec, analytics.metrics_timezone");
        }
        this.rejected = new RejectedEvents(config.integer(Setting.ANALYTICS_REJECTED_EVENTS_KEPT));
    }

    /** The analytics rules and metrics over the store, with the configured grace, window and metric settings. */
    public static AnalyticsStore analyticsStore(Config config, Store store) {
        for (Setting notNegative : List.of(Setting.ANALYTICS_IDLE_CAP_SEC, Setting.ANALYTICS_SESSION_INACTIVITY_SEC)) {
            if (config.number(notNegative) < 0) {
                throw new ConfigException(notNegative.key() + " must not be negative");
            }
        }
        return new AnalyticsStore(store, config.number(Setting.EVENT_SESSIONLESS_EVENTS_GRACE_PERIOD_SEC),
                config.number(Setting.ANALYTICS_DEDUPE_WINDOW_SEC), config.number(Setting.ANALYTICS_SESSION_INACTIVITY_SEC),
                config.number(Setting.ANALYTICS_IDLE_CAP_SEC), zone(config));
    }

    private static java.time.ZoneId zone(Config config) {
        try {
            return java.time.ZoneId.of(config.string(Setting.ANALYTICS_METRICS_TIMEZONE));
        } catch (java.time.DateTimeException e) {
            throw new ConfigException("analytics.metrics_timezone is not a time zone id: " + e.getMessage());
        }
    }

    private static SigningKeys sessionKeys(Config config) {
        return SigningKeys.read(config, Setting.ANALYTICS_SESSION_SIGNING_KEY, Setting.ANALYTICS_PREVIOUS_SESSION_SIGNING_KEYS);
    }

    private static SigningKeys refreshKeys(Config config) {
        return SigningKeys.read(config, Setting.ANALYTICS_REFRESH_SIGNING_KEY, Setting.ANALYTICS_PREVIOUS_REFRESH_SIGNING_KEYS);
    }

    static void validate(Config config) {
        zone(config);
        if (sessionKeys(config).current().equals(refreshKeys(config).current())) {
            throw new ConfigException("analytics.session_signing_key and analytics.refresh_signing_key must differ");
        }
        for (Setting positive : List.of(Setting.ANALYTICS_SESSION_TOKEN_EXPIRY_SEC, Setting.ANALYTICS_VERIFIED_CACHE_BYTES,
                Setting.ANALYTICS_SESSION_REFRESH_TOKEN_EXPIRY_SEC, Setting.ANALYTICS_MAX_REQUEST_SIZE_BYTES,
                Setting.ANALYTICS_MAX_EVENTS_PER_REQUEST, Setting.ANALYTICS_DEDUPE_WINDOW_SEC)) {
            if (config.number(positive) < 1) {
                throw new ConfigException(positive.key() + " must be at least 1");
            }
        }
        for (Setting notNegative : List.of(Setting.ANALYTICS_MAX_CLOCK_SKEW_SEC, Setting.ANALYTICS_EVENT_RETENTION_DAYS,
                Setting.ANALYTICS_IDENTITY_REQUESTS_PER_SEC, Setting.ANALYTICS_ADDRESS_REQUESTS_PER_SEC,
                Setting.ANALYTICS_REJECTED_EVENTS_KEPT, Setting.EVENT_SESSIONLESS_EVENTS_GRACE_PERIOD_SEC,
                Setting.ANALYTICS_IDLE_CAP_SEC, Setting.ANALYTICS_SESSION_INACTIVITY_SEC)) {
            if (config.number(notNegative) < 0) {
                throw new ConfigException(notNegative.key() + " must not be negative");
            }
        }
    }

    /** Registers the analytics gauges and counters: revocations, events ingested by kind, sessions open. */
    public void observe(io.guildhall.runtime.observe.ServerMetrics metrics) {
        metrics.gauge("guildhall.revocations", "Revoked token ids and user marks held in memory", revocations::size,
                "surface", "analytics");
        store.ingested().forEach((kind, count) -> metrics.counter("guildhall.analytics.events.ingested",
                "Events stored, by kind (session, sessionless, orphaned, non_player)", count,
                java.util.concurrent.atomic.LongAdder::sum, "kind", kind));
        long graceMillis = config.number(Setting.EVENT_SESSIONLESS_EVENTS_GRACE_PERIOD_SEC) * 1000;
        metrics.gauge("guildhall.analytics.sessions.open",
                "Analytics sessions whose last activity is within the sessionless grace period (they can still take events)",
                () -> store.metrics().sessionsOpen(clock.millis(), graceMillis));
    }

    public AnalyticsStore store() {
        return store;
    }

    public RejectedEvents rejected() {
        return rejected;
    }

    /** The in-process client for server modules: the same rules, no key or token. */
    public io.guildhall.spi.analytics.AnalyticsClient embeddedClient() {
        return new EmbeddedAnalytics(store, tokens, revocations,
                new EventParser(config.number(Setting.ANALYTICS_MAX_CLOCK_SKEW_SEC)), rejected, clock);
    }

    /**
     * The route table of the analytics listener.
     *
     * @param consoleUser         the email of a valid console token, or null (console bearers may post server events)
     * @param consoleAuthenticate the console's sign-in handler, also served here as Satori's guide shows
     */
    public HttpHandler routes(Executor workers, ListenerSettings settings, Health health, Function<String, String> consoleUser,
                              RouteTable.Route consoleAuthenticate) {
        AnalyticsAuthenticator auth = new AnalyticsAuthenticator(keys, tokens, revocations, consoleUser);
        AnalyticsApi api = new AnalyticsApi(store, tokens, revocations,
                new EventParser(config.number(Setting.ANALYTICS_MAX_CLOCK_SKEW_SEC)), rejected, flags,
                new RateLimiter("identity", config.number(Setting.ANALYTICS_IDENTITY_REQUESTS_PER_SEC), clock),
                new RateLimiter("client address", config.number(Setting.ANALYTICS_ADDRESS_REQUESTS_PER_SEC), clock),
                config.integer(Setting.ANALYTICS_MAX_EVENTS_PER_REQUEST), clock, new Continue(workers));
        Guard apiKey = auth.apiKey();
        Guard session = auth.session();
        return new RouteTable(workers, settings.withMaxBodyBytes(config.number(Setting.ANALYTICS_MAX_REQUEST_SIZE_BYTES)))
                .raw(Methods.GET, "/healthcheck", health::health)
                .raw(Methods.GET, "/readycheck", health::readiness)
                .add(Methods.POST, "/v1/authenticate", apiKey, Execution.WORKER, api::authenticate)
                .add(Methods.POST, "/v1/authenticate/refresh", apiKey, Execution.IO_THREAD, api::refresh)
                .add(Methods.POST, "/v1/authenticate/logout", session, Execution.WORKER, api::logout)
                .add(Methods.PUT, "/v1/identify", session, Execution.WORKER, api::identify)
                .add(Methods.DELETE, "/v1/identity", session, Execution.WORKER, api::deleteIdentity)
                .add(Methods.GET, "/v1/properties", session, Execution.IO_THREAD, api::properties)
                .add(Methods.PUT, "/v1/properties", session, Execution.WORKER, api::updateProperties)
                .add(Methods.POST, "/v1/event", session, Execution.WORKER, api::events)
                .add(Methods.POST, "/v1/server-event", auth.serverEvents(), Execution.WORKER, api::serverEvents)
                .add(Methods.GET, "/v1/flag", auth.apiKeyOrSession(), Execution.IO_THREAD, api::flags)
                .add(Methods.GET, "/v1/flag/override", auth.apiKeyOrSession(), Execution.IO_THREAD, api::none)
                .add(Methods.GET, "/v1/experiment", session, Execution.IO_THREAD, api::none)
                .add(Methods.GET, "/v1/live-event", session, Execution.IO_THREAD, api::none)
                .add(Methods.POST, "/v1/live-event/{id}/participation", session, Execution.IO_THREAD, api::noSuchLiveEvent)
                .add(Methods.GET, "/v1/message", session, Execution.IO_THREAD, api::none)
                .add(Methods.PUT, "/v1/message/{id}", session, Execution.IO_THREAD, api::noSuchMessage)
                .add(Methods.DELETE, "/v1/message/{id}", session, Execution.IO_THREAD, api::noSuchMessage)
                .add(consoleAuthenticate)
                .build();
    }

    /**
     * Drops revocations no live token can match (every call) and, at most once an hour (they scan
     * whole maps), expired de-duplication marks and, with a retention set, events older than it.
     */
    public CompletableFuture<Integer> prune() {
        long now = clock.millis();
        CompletableFuture<Integer> pruned = revocations.prune(now / 1000);
        if (now - lastScanPrune < 3_600_000L) {
            return pruned;
        }
        lastScanPrune = now;
        pruned = pruned.thenCombine(store.pruneDedupeMarks(now, 100_000), Integer::sum);
        long retentionDays = config.number(Setting.ANALYTICS_EVENT_RETENTION_DAYS);
        if (retentionDays > 0) {
            pruned = pruned.thenCombine(store.pruneEvents(now - retentionDays * 86_400_000L, 100_000), Integer::sum);
        }
        return pruned;
    }
}
