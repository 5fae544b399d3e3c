package io.guildhall.runtime.console;

import io.guildhall.runtime.account.Passwords;
import io.guildhall.runtime.admin.TimestampedBackups;
import io.guildhall.runtime.analytics.Analytics;
import io.guildhall.runtime.config.Config;
import io.guildhall.runtime.config.ConfigException;
import io.guildhall.runtime.config.Setting;
import io.guildhall.runtime.http.Continue;
import io.guildhall.runtime.http.Execution;
import io.guildhall.runtime.http.Guard;
import io.guildhall.runtime.http.Health;
import io.guildhall.runtime.http.ListenerSettings;
import io.guildhall.runtime.http.LoginAttempts;
import io.guildhall.runtime.http.RouteTable;
import io.guildhall.runtime.session.TokenService;
import io.guildhall.spi.ApiException;
import io.undertow.server.HttpHandler;
import io.undertow.util.Methods;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.concurrent.Executor;

/** The console surface (port 7451, loopback by default): console users, their tokens, and the console routes. */
public final class Console {
    private final ConsoleTokens tokens;
    private final ConsoleApi api;
    private final ConsoleMetricsApi metrics;
    private final ConsoleAccountsApi accounts;
    private final ConsoleBackupApi backup;

    public Console(Config config, Passwords passwords, LoginAttempts loginAttempts, Analytics analytics,
                   io.guildhall.runtime.account.AccountService accounts, TimestampedBackups backups, Clock clock,
                   Executor workers) {
        String key = config.string(Setting.CONSOLE_SIGNING_KEY);
        if (key.getBytes(StandardCharsets.UTF_8).length < TokenService.MIN_KEY_BYTES) {
            throw new ConfigException("console.signing_key must be at least " + TokenService.MIN_KEY_BYTES + " bytes");
        }
        for (Setting positive : new Setting[]{Setting.CONSOLE_TOKEN_EXPIRY_SEC}) {
            if (config.number(positive) < 1) {
                throw new ConfigException(positive.key() + " must be at least 1");
            }
        }
        checkMetricsToken(config);
        this.tokens = new ConsoleTokens(key, config.number(Setting.CONSOLE_TOKEN_EXPIRY_SEC), clock);
        this.api = new ConsoleApi(new ConsoleUsers(config.objects(Setting.CONSOLE_USERS)), tokens, passwords, loginAttempts,
                analytics.store(), analytics.rejected(), new Continue(workers));
        this.metrics = new ConsoleMetricsApi(analytics.store(), clock);
        this.accounts = new ConsoleAccountsApi(accounts);
        this.backup = new ConsoleBackupApi(backups);
    }

    /** Beyond loopback, {@code GET /metrics} must not be open to anyone who can reach the port. */
    private static void checkMetricsToken(Config config) {
        String address = config.string(Setting.CONSOLE_ADDRESS);
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(address).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new ConfigException("console.address " + address + " does not resolve");
        }
        if (!loopback && config.bool(Setting.CONSOLE_ENABLED) && config.string(Setting.CONSOLE_METRICS_TOKEN).isEmpty()) {
            throw new ConfigException("console.metrics_token must be set when console.address (" + address
                    + ") is not a loopback address: GET /metrics requires it as a bearer token");
        }
    }

    /** The email of a valid console token, or null. */
    public String user(String jwt) {
        return tokens.user(jwt);
    }

    /** Console sign-in, a route of its own so that the analytics listener can serve it too. */
    public RouteTable.Route authenticateRoute() {
        return new RouteTable.Route(Methods.POST, "/v1/console/authenticate", Guard.NONE, Execution.WORKER, api::authenticate);
    }

    /** @param prometheus {@code GET /metrics}, checking its own token */
    public HttpHandler routes(Executor workers, ListenerSettings settings, Health health, HttpHandler prometheus) {
        Guard bearer = call -> {
            String header = call.authorization();
            if (!call.hasAuthorization()) {
                throw ApiException.unauthenticated("Console token required");
            }
            String email = header != null && header.startsWith("Bearer ") ? tokens.user(header.substring(7)) : null;
            if (email == null) {
                throw ApiException.unauthenticated("Console token invalid");
            }
            call.principal(email);
        };
        return new RouteTable(workers, settings)
                .raw(Methods.GET, "/healthcheck", health::health)
                .raw(Methods.GET, "/readycheck", health::readiness)
                .raw(Methods.GET, "/metrics", prometheus)
                .add(authenticateRoute())
                .add(Methods.GET, "/v1/console/identity/{id}/sessions", bearer, Execution.WORKER, api::sessions)
                .add(Methods.GET, "/v1/console/identity/{id}/events", bearer, Execution.WORKER, api::events)
                .add(Methods.GET, "/v1/console/events/non-player", bearer, Execution.WORKER, api::nonPlayerEvents)
                .add(Methods.GET, "/v1/console/events/rejected", bearer, Execution.IO_THREAD, api::rejected)
                .add(Methods.GET, "/v1/console/metrics/days", bearer, Execution.WORKER, metrics::days)
                .add(Methods.GET, "/v1/console/metrics/retention", bearer, Execution.WORKER, metrics::retention)
                .add(Methods.POST, "/v1/console/metrics/rebuild", bearer, Execution.WORKER, metrics::rebuild)
                .add(Methods.GET, "/v1/console/identity/{id}/metrics", bearer, Execution.WORKER, metrics::identity)
                .add(Methods.GET, "/v1/console/account", bearer, Execution.IO_THREAD, accounts::lookup)
                .add(Methods.POST, "/v1/console/account/{id}/ban", bearer, Execution.WORKER, accounts::ban)
                .add(Methods.POST, "/v1/console/account/{id}/unban", bearer, Execution.WORKER, accounts::unban)
                .add(Methods.POST, "/v1/console/backup", bearer, Execution.WORKER, backup::backup)
                .raw(Methods.GET, "/", ConsolePage.redirectToSlash())
                .raw(Methods.GET, "/console", ConsolePage.redirectToSlash())
                .raw(Methods.GET, "/console/*", ConsolePage.handler())
                .build();
    }
}
