package com.example.studio;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.guildhall.spi.PluginConfig;
import io.guildhall.spi.analytics.AnalyticsClient;
import io.guildhall.spi.module.Initializer;
import io.guildhall.spi.module.ModuleContext;
import io.guildhall.spi.module.Operations;
import io.guildhall.spi.module.ServerModule;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The studio's one entry point. Everything is registered explicitly here:
 * <ul>
 *   <li>the {@code ticket} identity provider (the studio's own login service);</li>
 *   <li>a before-authenticate hook that refuses device ids with a banned prefix;</li>
 *   <li>an after-authenticate hook that opens the player's analytics session, with the player's user
 *   id as identity ({@code analytics_no_session: false}, Satori's set-up 2: only the server sends
 *   events), or only makes sure the identity exists ({@code true}, set-up 1: the game client runs
 *   satori-js with its own session and the server's events attach to it);</li>
 *   <li>the {@code match_end} RPC.</li>
 * </ul>
 */
public final class StudioModule implements ServerModule {
    @Override
    public String name() {
        return "studio";
    }

    @Override
    public void initModule(ModuleContext context, Initializer init) {
        PluginConfig config = context.config();
        boolean noSession = config.bool("analytics_no_session", false);
        List<String> bannedPrefixes = config.list("banned_device_prefixes");
        List<String> sessionProviders = config.list("analytics_providers").isEmpty()
                ? List.of(TicketProvider.ID, "device") : config.list("analytics_providers");
        Duration analyticsWait = Duration.ofMillis(config.number("analytics_wait_ms", 5_000));

        init.registerIdentityProvider(new TicketProvider());

        init.registerBefore(Operations.AUTHENTICATE_DEVICE, (ctx, request) -> {
            String deviceId = request.accountString("id");
            for (String prefix : bannedPrefixes) {
                if (deviceId.startsWith(prefix)) {
                    throw new ApiException(Code.PERMISSION_DENIED, "This device may not sign in.");
                }
            }
            return request;
        });

        AnalyticsClient analytics = context.analytics();
        for (String provider : sessionProviders) {
            init.registerAfter(Operations.authenticate(provider), (ctx, request, session) -> {
                // After hooks run before the response: wait (bounded) so the session exists when the
                // player's first match ends; a failure is logged by the server, never surfaced.
                analytics.authenticate(session.userId(), Map.of(), Map.of("last_provider", provider), noSession)
                        .toCompletableFuture().get(analyticsWait.toMillis(), TimeUnit.MILLISECONDS);
            });
        }

        init.registerRpc(MatchResults.ID, new MatchResults(context.accounts(), analytics, context.clock(), context.logger(),
                (int) config.number("max_players", 16), config.bool("allow_client_reports", false), analyticsWait));
        context.logger().info("studio module ready: analytics_no_session={}, banned device prefixes {}", noSession, bannedPrefixes);
    }
}
