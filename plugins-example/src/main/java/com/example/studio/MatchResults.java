package com.example.studio;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.guildhall.spi.analytics.AnalyticsClient;
import io.guildhall.spi.analytics.AnalyticsEvent;
import io.guildhall.spi.module.AccountChanges;
import io.guildhall.spi.module.AccountView;
import io.guildhall.spi.module.Accounts;
import io.guildhall.spi.module.Rpc;
import io.guildhall.spi.module.RpcContext;
import org.slf4j.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The {@code match_end} RPC: a game server reports a finished match (with the runtime HTTP key), or,
 * when {@code allow_client_reports} is on, one of its players does. The module checks the report,
 * counts the match in every player's account metadata, and publishes an authoritative
 * {@code matchEnded} event per player to analytics. The events carry no session id: analytics
 * attaches each to the player's latest session within its grace period.
 */
final class MatchResults implements Rpc {
    static final String ID = "match_end";

    private final Accounts accounts;
    private final AnalyticsClient analytics;
    private final Clock clock;
    private final Logger log;
    private final int maxPlayers;
    private final boolean allowClientReports;
    private final Duration analyticsWait;
    /** Updates of one player's metadata are read-modify-write: one at a time per player. */
    private final Object[] playerLocks = new Object[64];

    MatchResults(Accounts accounts, AnalyticsClient analytics, Clock clock, Logger log, int maxPlayers,
                 boolean allowClientReports, Duration analyticsWait) {
        this.accounts = accounts;
        this.analytics = analytics;
        this.clock = clock;
        this.log = log;
        this.maxPlayers = maxPlayers;
        this.allowClientReports = allowClientReports;
        this.analyticsWait = analyticsWait;
        for (int i = 0; i < playerLocks.length; i++) {
            playerLocks[i] = new Object();
        }
    }

    @Override
    public String call(RpcContext context, String payload) {
        MatchReport report = MatchReport.parse(payload, maxPlayers);
        context.userId().ifPresent(caller -> {
            if (!allowClientReports) {
                throw new ApiException(Code.PERMISSION_DENIED, "Only game servers may report matches.");
            }
            if (!report.includes(caller)) {
                throw new ApiException(Code.PERMISSION_DENIED, "Players may only report their own matches.");
            }
        });
        for (MatchReport.Result player : report.players()) {
            if (accounts.byId(player.userId()).isEmpty()) {
                throw new ApiException(Code.NOT_FOUND, "No account " + player.userId() + ".");
            }
        }
        int counted = 0;
        for (MatchReport.Result player : report.players()) {
            if (count(report.matchId(), player)) {
                counted++;
            }
        }
        String delivery = publish(report);
        return "{\"match_id\":\"" + report.matchId() + "\",\"players_counted\":" + counted + ",\"analytics\":\"" + delivery + "\"}";
    }

    private boolean count(String matchId, MatchReport.Result player) {
        synchronized (playerLocks[Math.floorMod(player.userId().hashCode(), playerLocks.length)]) {
            AccountView account = accounts.byId(player.userId()).orElseThrow();
            String metadata = PlayerRecord.count(account.metadata(), matchId, player.won());
            if (metadata == null) {
                return false;
            }
            accounts.update(player.userId(), AccountChanges.metadata(metadata)).toCompletableFuture().join();
            return true;
        }
    }

    /**
     * Publishes one event per player. Each event's id is the match and player, so a retried report
     * is de-duplicated by analytics instead of counted twice.
     */
    private String publish(MatchReport report) {
        Instant now = clock.instant();
        List<CompletableFuture<Void>> sent = new ArrayList<>();
        for (MatchReport.Result player : report.players()) {
            AnalyticsEvent event = new AnalyticsEvent("matchEnded", report.matchId() + ":" + player.userId(),
                    Map.of("match_id", report.matchId(), "won", Boolean.toString(player.won()),
                            "duration_sec", Long.toString(report.durationSec())),
                    Long.toString(player.score()), player.userId(), now);
            sent.add(analytics.publishEvents(player.userId(), List.of(event)).toCompletableFuture());
        }
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(analyticsWait.toMillis(), TimeUnit.MILLISECONDS);
            return "published";
        } catch (java.util.concurrent.TimeoutException e) {
            log.warn("analytics did not confirm match {} within {} ms", report.matchId(), analyticsWait.toMillis());
            return "pending";
        } catch (java.util.concurrent.ExecutionException e) {
            log.warn("analytics refused match {}: {}", report.matchId(), e.getCause().getMessage());
            return "failed: " + e.getCause().getMessage().replace('"', '\'');
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "pending";
        }
    }
}
