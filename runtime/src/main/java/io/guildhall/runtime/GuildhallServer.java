package io.guildhall.runtime;

import io.guildhall.runtime.account.AccountService;
import io.guildhall.runtime.admin.AdminSocket;
import io.guildhall.runtime.admin.TimestampedBackups;
import io.guildhall.runtime.analytics.Analytics;
import io.guildhall.runtime.console.Console;
import io.guildhall.runtime.observe.ServerMetrics;
import io.guildhall.runtime.http.Listener;
import io.guildhall.runtime.account.Passwords;
import io.guildhall.runtime.api.ApiRoutes;
import io.guildhall.runtime.config.Config;
import io.guildhall.runtime.config.ConfigException;
import io.guildhall.runtime.config.MemoryBudget;
import io.guildhall.runtime.config.Setting;
import io.guildhall.runtime.http.Authenticator;
import io.guildhall.runtime.http.Health;
import io.guildhall.runtime.http.HttpRules;
import io.guildhall.runtime.http.ListenerSettings;
import io.guildhall.runtime.http.LoginAttempts;
import io.guildhall.runtime.http.Responses;
import io.guildhall.runtime.analytics.client.AnalyticsClients;
import io.guildhall.runtime.analytics.client.EmbeddedAnalyticsClient;
import io.guildhall.runtime.module.ModuleAccounts;
import io.guildhall.runtime.plugin.KeySetCache;
import io.guildhall.runtime.plugin.NativeCrypto;
import io.guildhall.runtime.plugin.PluginHost;
import io.guildhall.runtime.plugin.SharedHttpClient;
import io.guildhall.runtime.session.RefreshRotation;
import io.guildhall.runtime.session.Revocations;
import io.guildhall.runtime.session.SigningKeys;
import io.guildhall.runtime.session.TokenService;
import io.guildhall.runtime.store.GroupCommitStore;
import io.guildhall.runtime.store.Store;
import io.guildhall.runtime.store.Stores;
import io.guildhall.spi.analytics.AnalyticsClient;
import io.guildhall.spi.module.Accounts;
import io.undertow.Undertow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioIoThread;
import org.xnio.XnioWorker;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongFunction;

/** Wires the server from its configuration, starts it, and shuts it down cleanly. */
public final class GuildhallServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GuildhallServer.class);
    private static final List<String> CORE_SECTIONS = List.of("socket.", "session.", "data.", "account.", "plugins.",
            "runtime.", "satori.", "analytics.", "event.", "console.");

    private final Config config;
    private final PluginHost plugins;
    private final Store store;
    /** Null when the socket could not be created (logged). */
    private final AdminSocket admin;
    private final Passwords passwords;
    private final XnioWorker worker;
    private final List<Listener> listeners = new ArrayList<>();
    private final ScheduledExecutorService janitor;
    private final Listener game;
    private final Listener analyticsListener;
    private final Listener consoleListener;
    private final ServerMetrics metrics = new ServerMetrics();
    private volatile boolean stopping;
    private boolean closed;

    /**
     * What the server needs from the process around it.
     *
     * @param clock          where time comes from (tests set it instead of sleeping)
     * @param onStoreFailure called when the store breaks for good (with {@code data.exit_on_failure})
     * @param openStore      opens the store from the configuration (tests stack a failing file system)
     */
    public record Environment(Clock clock, Runnable onStoreFailure, Function<Config, GroupCommitStore> openStore) {
        /** The system clock; exits the process when the store breaks, for the supervisor to restart it. */
        public static Environment process() {
            return new Environment(Clock.systemUTC(), () -> {
                LOG.error("Storage failed; exiting so that the supervisor restarts the server");
                System.exit(3);
            }, GuildhallServer::openStore);
        }

        public Environment withClock(Clock other) {
            return new Environment(other, onStoreFailure, openStore);
        }
    }

    private static GroupCommitStore openStore(Config config) {
        return Stores.open(config.string(Setting.DATA_ENGINE), Path.of(config.string(Setting.DATA_DIR)),
                config.number(Setting.DATA_CHECKPOINT_BYTES), Duration.ofSeconds(config.number(Setting.DATA_CHECKPOINT_INTERVAL_SEC)),
                config.number(Setting.DATA_CHECKPOINT_UNSAVED_BYTES));
    }

    private GuildhallServer(Config config, Environment environment) {
        this.config = config;
        validate(config);
        warnAboutDefaultKeys(config);
        MemoryBudget.of(config).warnIfOver(Runtime.getRuntime().maxMemory());
        ListenerSettings listener = ListenerSettings.read(config, "socket");
        Clock clock = environment.clock();
        ModuleAccounts moduleAccounts = new ModuleAccounts();
        EmbeddedAnalyticsClient embeddedAnalytics = new EmbeddedAnalyticsClient();
        AnalyticsClient modulesAnalytics = AnalyticsClients.remote(config)
                ? AnalyticsClients.remote(config, clock, daemonScheduler("analytics-client-retries"))
                : embeddedAnalytics;
        this.plugins = PluginHost.load(config, Path.of(config.string(Setting.PLUGINS_DIR)),
                pluginServices(config, clock, moduleAccounts, modulesAnalytics));
        checkUnknownKeys(config, plugins);
        LOG.info("Effective configuration: {}", config.describe());

        TokenService tokens = new TokenService(
                SigningKeys.read(config, Setting.SESSION_ENCRYPTION_KEY, Setting.SESSION_PREVIOUS_ENCRYPTION_KEYS),
                config.number(Setting.SESSION_TOKEN_EXPIRY_SEC),
                SigningKeys.read(config, Setting.SESSION_REFRESH_ENCRYPTION_KEY, Setting.SESSION_PREVIOUS_REFRESH_ENCRYPTION_KEYS),
                config.number(Setting.SESSION_REFRESH_TOKEN_EXPIRY_SEC),
                new TokenService.Limits(config.integer(Setting.SESSION_MAX_VARS), config.integer(Setting.SESSION_MAX_VARS_BYTES),
                        config.number(Setting.SESSION_VERIFIED_CACHE_BYTES)));
        requireTokensFitInHeaders(tokens, listener);

        GroupCommitStore opened = environment.openStore().apply(config);
        opened.refuseWritesFrom(thread -> thread instanceof XnioIoThread);
        if (config.bool(Setting.DATA_EXIT_ON_FAILURE)) {
            opened.onBroken(failure -> environment.onStoreFailure().run());
        }
        this.store = opened;
        metrics.store(opened);
        this.admin = AdminSocket.start(Path.of(config.string(Setting.DATA_DIR)), opened);
        Revocations revocations = new Revocations(store,
                Math.max(tokens.sessionLifetimeSec(), tokens.refreshLifetimeSec()));
        int cores = Runtime.getRuntime().availableProcessors();
        int bcryptThreads = config.integer(Setting.ACCOUNT_BCRYPT_THREADS);
        this.passwords = new Passwords(config.integer(Setting.ACCOUNT_BCRYPT_COST), bcryptThreads == 0 ? cores : bcryptThreads,
                config.integer(Setting.ACCOUNT_BCRYPT_QUEUE),
                Duration.ofMillis(config.number(Setting.ACCOUNT_BCRYPT_QUEUE_TIMEOUT_MS)), clock);
        this.worker = createWorker(cores);
        LoginAttempts loginAttempts = new LoginAttempts(new LoginAttempts.Policy(
                config.integer(Setting.ACCOUNT_LOGIN_FAILURES_PER_ACCOUNT),
                Duration.ofSeconds(config.number(Setting.ACCOUNT_LOGIN_ACCOUNT_WINDOW_SEC)),
                config.integer(Setting.ACCOUNT_LOGIN_FAILURES_PER_ADDRESS),
                Duration.ofSeconds(config.number(Setting.ACCOUNT_LOGIN_ADDRESS_WINDOW_SEC)),
                config.number(Setting.ACCOUNT_LOGIN_ATTEMPTS_CACHE_BYTES)), clock);
        AccountService accounts = new AccountService(store, passwords, revocations, worker, plugins::providerFor,
                config.integer(Setting.ACCOUNT_MAX_IDENTITIES), loginAttempts, config.number(Setting.ACCOUNT_MEMO_CACHE_BYTES));
        moduleAccounts.bind(accounts);
        Authenticator authenticator = new Authenticator(config.string(Setting.SOCKET_SERVER_KEY), tokens, revocations);
        metrics.gauge("guildhall.revocations", "Revoked token ids and user marks held in memory", revocations::size,
                "surface", "game");
        String passwordWork = "bcrypt checks and hashes: ran, or answered 503 unhashed after waiting past "
                + "account.bcrypt_queue_timeout_ms";
        metrics.counter("guildhall.password.work", passwordWork, passwords, Passwords::ran, "outcome", "ran");
        metrics.counter("guildhall.password.work", passwordWork, passwords, Passwords::expired, "outcome", "expired");
        metrics.gauge("guildhall.password.waiting", "bcrypt checks and hashes waiting for a thread", passwords::waiting);

        RefreshRotation rotation = config.bool(Setting.SESSION_REFRESH_TOKEN_ROTATION)
                ? new RefreshRotation(store, revocations, tokens.sessionLifetimeSec(),
                        config.number(Setting.SESSION_REFRESH_TOKEN_REUSE_GRACE_SEC))
                : null;
        boolean analyticsOn = config.bool(Setting.ANALYTICS_ENABLED);
        boolean consoleOn = config.bool(Setting.CONSOLE_ENABLED);
        Analytics analytics = null;
        Console console = null;
        Health health = new Health(opened::healthy, () -> !stopping);
        ApiRoutes.Options options = new ApiRoutes.Options(config.bool(Setting.SESSION_SINGLE_SESSION),
                config.number(Setting.ACCOUNT_MEMO_CACHE_BYTES), listener, health);
        try {
            if (analyticsOn || consoleOn) {
                analytics = new Analytics(config, store, clock);
                console = new Console(config, passwords, loginAttempts, analytics, accounts,
                        new TimestampedBackups(opened, Path.of(config.string(Setting.DATA_BACKUP_DIR)), clock), clock, worker);
                analytics.observe(metrics);
            }
            if (analyticsOn && modulesAnalytics == embeddedAnalytics) {
                embeddedAnalytics.bind(analytics.embeddedClient());
            }
            this.game = listen(Listener.builder("game API")
                    .address(config.string(Setting.SOCKET_ADDRESS))
                    .port(config.integer(Setting.SOCKET_PORT))
                    .routes(ApiRoutes.build(plugins, accounts, tokens, revocations, rotation, authenticator,
                            options, worker, config.string(Setting.RUNTIME_HTTP_KEY))), listener);
            ListenerSettings analyticsSettings = ListenerSettings.read(config, "analytics");
            this.analyticsListener = !analyticsOn ? null : listen(Listener.builder("analytics API")
                    .address(config.string(Setting.ANALYTICS_ADDRESS))
                    .port(config.integer(Setting.ANALYTICS_PORT))
                    .routes(analytics.routes(worker, analyticsSettings, health, console::user, console.authenticateRoute())),
                    analyticsSettings);
            ListenerSettings consoleSettings = ListenerSettings.read(config, "console");
            this.consoleListener = !consoleOn ? null : listen(Listener.builder("console API")
                    .address(config.string(Setting.CONSOLE_ADDRESS))
                    .port(config.integer(Setting.CONSOLE_PORT))
                    .routes(console.routes(worker, consoleSettings, health,
                            metrics.scrape(config.string(Setting.CONSOLE_METRICS_TOKEN)))), consoleSettings);
        } catch (RuntimeException e) {
            listeners.forEach(Listener::stop);
            worker.shutdownNow();
            if (admin != null) {
                admin.close();
            }
            store.close();
            passwords.close();
            plugins.close();
            throw e;
        }

        this.janitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "revocation-janitor");
            thread.setDaemon(true);
            return thread;
        });
        schedulePruning("revocations", revocations::prune);
        if (rotation != null) {
            schedulePruning("refresh-token rotations", rotation::prune);
        }
        if (analytics != null) {
            Analytics pruned = analytics;
            schedulePruning("analytics revocations and events", now -> pruned.prune());
        }
    }

    /** Starts a listener with the HTTP protections of its settings (limits, deadlines, connection caps, strict HTTP). */
    private Listener listen(Listener.Builder builder, ListenerSettings settings) {
        Listener listener = settings.configure(builder)
                .wrap(handler -> HttpRules.wrap(settings, handler))
                .wrap(metrics.requests(builder.name()))
                .start(worker);
        listeners.add(listener);
        return listener;
    }

    /**
     * The IO threads and the request workers. Created here rather than by Undertow so that the
     * same workers also run request work that continues after a store commit.
     */
    private static XnioWorker createWorker(int cores) {
        try {
            return Xnio.getInstance(Undertow.class.getClassLoader()).createWorker(OptionMap.builder()
                    .set(Options.WORKER_IO_THREADS, Math.max(2, cores))
                    .set(Options.WORKER_TASK_CORE_THREADS, Math.max(8, cores * 8))
                    .set(Options.WORKER_TASK_MAX_THREADS, Math.max(8, cores * 8))
                    .set(Options.TCP_NODELAY, true)
                    .getMap());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot start IO threads", e);
        }
    }

    public static GuildhallServer start(Config config) {
        return start(config, Environment.process());
    }

    /** Starts the server reading time from {@code clock} (tests set it instead of sleeping). */
    public static GuildhallServer start(Config config, Clock clock) {
        return start(config, Environment.process().withClock(clock));
    }

    public static GuildhallServer start(Config config, Environment environment) {
        return new GuildhallServer(config, environment);
    }

    /** A client must be able to present any token we mint in its Authorization header. */
    private static void requireTokensFitInHeaders(TokenService tokens, ListenerSettings listener) {
        int needed = tokens.maxTokenChars() + "Authorization: Bearer \r\n".length() + 2048; // other headers
        if (needed > listener.maxHeaderBytes()) {
            throw new ConfigException("session.max_vars and session.max_vars_bytes allow tokens of up to "
                    + tokens.maxTokenChars() + " characters, which with other headers need socket.max_header_size_bytes of at least "
                    + needed + "; raise it or lower the vars limits");
        }
    }

    /** The outbound HTTP client and key-set cache that every plugin shares. */
    private static ScheduledExecutorService daemonScheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, name);
            thread.setDaemon(true);
            return thread;
        });
    }

    private static PluginHost.Services pluginServices(Config config, Clock clock, Accounts accounts, AnalyticsClient analytics) {
        SharedHttpClient http = new SharedHttpClient(
                Duration.ofMillis(config.number(Setting.PLUGINS_HTTP_CONNECT_TIMEOUT_MS)),
                Duration.ofMillis(config.number(Setting.PLUGINS_HTTP_TIMEOUT_MS)),
                config.integer(Setting.PLUGINS_HTTP_MAX_RESPONSE_BYTES));
        KeySetCache keySets = new KeySetCache(http, clock,
                Duration.ofSeconds(config.number(Setting.PLUGINS_KEY_CACHE_TTL_SEC)),
                Duration.ofSeconds(config.number(Setting.PLUGINS_KEY_REFETCH_INTERVAL_SEC)),
                config.number(Setting.PLUGINS_KEY_CACHE_MAX_BYTES));
        return new PluginHost.Services(http, keySets, clock,
                NativeCrypto.loadInBackground(config.bool(Setting.PLUGINS_NATIVE_CRYPTO)), accounts, analytics);
    }

    /** The game API's port. */
    public int port() {
        return game.port();
    }

    /** The analytics API's port, or -1 when it is turned off. */
    public int analyticsPort() {
        return analyticsListener == null ? -1 : analyticsListener.port();
    }

    /** The console's port, or -1 when it is turned off. */
    public int consolePort() {
        return consoleListener == null ? -1 : consoleListener.port();
    }

    /** Every minute, drops what no live token can match any more (a failure is logged and retried). */
    private void schedulePruning(String what, LongFunction<CompletableFuture<Integer>> prune) {
        janitor.scheduleWithFixedDelay(() -> prune.apply(System.currentTimeMillis() / 1000)
                .exceptionally(e -> {
                    LOG.warn("Pruning expired {} failed: {}", what, e.getMessage());
                    return 0;
                }), 60, 60, TimeUnit.SECONDS);
    }

    static void validate(Config config) {
        if (config.string(Setting.SOCKET_SERVER_KEY).isEmpty()) {
            throw new ConfigException("socket.server_key must not be empty");
        }
        if (config.string(Setting.RUNTIME_HTTP_KEY).isEmpty()) {
            throw new ConfigException("runtime.http_key must not be empty");
        }
        String sessionKey = SigningKeys.read(config, Setting.SESSION_ENCRYPTION_KEY, Setting.SESSION_PREVIOUS_ENCRYPTION_KEYS).current();
        String refreshKey = SigningKeys.read(config, Setting.SESSION_REFRESH_ENCRYPTION_KEY,
                Setting.SESSION_PREVIOUS_REFRESH_ENCRYPTION_KEYS).current();
        if (sessionKey.equals(refreshKey)) {
            throw new ConfigException("session.encryption_key and session.refresh_encryption_key must differ");
        }
        String engine = config.string(Setting.DATA_ENGINE).trim().toLowerCase(java.util.Locale.ROOT);
        if (!Stores.ENGINES.contains(engine)) {
            throw new ConfigException("data.engine must be one of " + String.join(", ", Stores.ENGINES) + ", got '"
                    + config.string(Setting.DATA_ENGINE) + "'");
        }
        if (config.number(Setting.ACCOUNT_BCRYPT_THREADS) < 0) {
            throw new ConfigException(Setting.ACCOUNT_BCRYPT_THREADS.key() + " must not be negative (0 means every core)");
        }
        for (Setting positive : List.of(Setting.SESSION_TOKEN_EXPIRY_SEC, Setting.SESSION_REFRESH_TOKEN_EXPIRY_SEC,
                Setting.SESSION_MAX_VARS, Setting.SESSION_MAX_VARS_BYTES, Setting.SESSION_VERIFIED_CACHE_BYTES,
                Setting.ACCOUNT_BCRYPT_QUEUE, Setting.ACCOUNT_MAX_IDENTITIES, Setting.ACCOUNT_MEMO_CACHE_BYTES,
                Setting.ACCOUNT_LOGIN_FAILURES_PER_ACCOUNT, Setting.ACCOUNT_LOGIN_ACCOUNT_WINDOW_SEC,
                Setting.ACCOUNT_LOGIN_FAILURES_PER_ADDRESS, Setting.ACCOUNT_LOGIN_ADDRESS_WINDOW_SEC,
                Setting.ACCOUNT_LOGIN_ATTEMPTS_CACHE_BYTES,
                Setting.PLUGINS_HTTP_CONNECT_TIMEOUT_MS, Setting.PLUGINS_HTTP_TIMEOUT_MS, Setting.PLUGINS_HTTP_MAX_RESPONSE_BYTES,
                Setting.PLUGINS_KEY_CACHE_TTL_SEC, Setting.PLUGINS_KEY_REFETCH_INTERVAL_SEC, Setting.PLUGINS_KEY_CACHE_MAX_BYTES,
                Setting.DATA_CHECKPOINT_BYTES, Setting.DATA_CHECKPOINT_INTERVAL_SEC)) {
            if (config.number(positive) < 1) {
                throw new ConfigException(positive.key() + " must be at least 1");
            }
        }
        if (config.number(Setting.DATA_CHECKPOINT_UNSAVED_BYTES) < 0) {
            throw new ConfigException(Setting.DATA_CHECKPOINT_UNSAVED_BYTES.key() + " must not be negative (0: from the heap)");
        }
        if (config.number(Setting.SESSION_REFRESH_TOKEN_REUSE_GRACE_SEC) < 0) {
            throw new ConfigException(Setting.SESSION_REFRESH_TOKEN_REUSE_GRACE_SEC.key() + " must not be negative");
        }
        for (Setting portSetting : List.of(Setting.SOCKET_PORT, Setting.ANALYTICS_PORT, Setting.CONSOLE_PORT)) {
            int port = config.integer(portSetting);
            if (port < 0 || port > 65535) {
                throw new ConfigException(portSetting.key() + " must be between 0 and 65535, got " + port);
            }
        }
    }


    private static void warnAboutDefaultKeys(Config config) {
        for (Setting setting : Setting.values()) {
            if (setting.secret() && !setting.defaultValue().isEmpty() && config.isDefault(setting)) {
                LOG.warn("!!! {} is still the built-in default: anyone can forge or use it. Set {} (or --{}=...) before "
                        + "going to production. !!!", setting.key(), setting.environmentName(), setting.key());
            }
        }
    }

    private static void checkUnknownKeys(Config config, PluginHost plugins) {
        for (String key : config.unknownKeys(plugins.configSections())) {
            if (CORE_SECTIONS.stream().anyMatch(key::startsWith)) {
                throw new ConfigException("Unknown configuration key '" + key + "'");
            }
            LOG.warn("Configuration key '{}' is not used by the server or any loaded plugin", key);
        }
    }

    /** Stops taking requests, drains those in flight (up to the grace period), then closes the store. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopping = true;
        long graceMillis = config.number(Setting.SHUTDOWN_GRACE_SEC) * 1000;
        long deadline = System.currentTimeMillis() + graceMillis;
        listeners.forEach(Listener::stopAccepting);
        try {
            for (Listener listener : listeners) {
                if (!listener.awaitDrained(deadline)) {
                    LOG.warn("{}: requests still in flight after {} ms; stopping anyway", listener.name(), graceMillis);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        listeners.forEach(Listener::stop);
        worker.shutdown();
        janitor.shutdownNow();
        if (admin != null) {
            admin.close();
        }
        store.close();
        passwords.close();
        plugins.close();
        metrics.close();
        LOG.info("Guildhall stopped");
    }
}
