package io.guildhall.runtime.analytics;

import io.guildhall.runtime.store.GroupCommitStore;
import io.guildhall.runtime.store.Stores;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random event streams (sign-ins, in-order and late events, events naming their own or another
 * identity's session, sessionless and non-player events, erasures, retention pruning), stored through the
 * incremental path, then rebuilt: every entry of every metric map must be the same. On both
 * engines, and with writes waited for one by one or in flight together (then one commit holds
 * many writes, and the metrics apply what they queued once for all of them).
 */
class SessionMetricsPropertyTest {
    private static final long T0 = 1_780_000_000_000L;
    private static final String[] NAMES = {"tick", "buy", "level"};

    @TempDir
    Path dir;

    @RepeatedTest(12)
    void incrementalNumbersEqualRebuiltNumbers(RepetitionInfo repetition) throws Exception {
        check(7919L * repetition.getCurrentRepetition(), Stores.MVSTORE, false);
    }

    @RepeatedTest(4)
    void incrementalNumbersEqualRebuiltNumbersOnMapDb(RepetitionInfo repetition) throws Exception {
        check(104_729L * repetition.getCurrentRepetition(), Stores.MAPDB, false);
    }

    @RepeatedTest(8)
    void incrementalNumbersEqualRebuiltNumbersWithWritesInFlight(RepetitionInfo repetition) throws Exception {
        check(15_485_863L * repetition.getCurrentRepetition(), repetition.getCurrentRepetition() % 2 == 0
                ? Stores.MAPDB : Stores.MVSTORE, true);
    }

    private void check(long seed, String engine, boolean inFlight) throws Exception {
        Random random = new Random(seed);
        long inactivitySec = random.nextBoolean() ? 0 : 600;
        long idleCapSec = random.nextBoolean() ? 300 : 0;
        ZoneId zone = random.nextBoolean() ? ZoneId.of("UTC") : ZoneId.of("America/Los_Angeles");
        // some ids are prefixes of others ("player-aa|" sorts after "player-aaaa|"): the rebuild cuts
        // its ranges at identity boundaries and walks both maps identity by identity in key order
        String[] identities = {"player-aaaa", "player-aa", "player-aaaa-b", "player-bbbb", "player-cccc", "player-dddd",
                "player-d", "player-eeee"};
        List<String> sessionIds = new ArrayList<>();
        List<String> sessionOwners = new ArrayList<>();
        int late = 0;
        List<java.util.concurrent.CompletableFuture<Integer>> prunes = new ArrayList<>();
        List<java.util.concurrent.CompletableFuture<?>> pending = new ArrayList<>();
        try (GroupCommitStore raw = Stores.open(engine, dir)) {
            AnalyticsStore store = new AnalyticsStore(raw, 1800, 86400, inactivitySec, idleCapSec, zone);
            long now = T0;
            for (int step = 0; step < 300; step++) {
                now += random.nextInt(900_000);
                String identity = identities[random.nextInt(identities.length)];
                int action = random.nextInt(10);
                if (action == 0 || sessionIds.isEmpty()) {
                    String sid = "s" + step;
                    settle(store.authenticate(identity, Map.of(), Map.of(), sid, 0, now), pending, inFlight);
                    sessionIds.add(sid);
                    sessionOwners.add(identity);
                } else if (action == 9 && step % 50 == 9) {
                    settle(store.eraseIdentity(identity), pending, inFlight);
                } else if (step % 100 == 50) {
                    // retention: the events older than 12 to 24 hours before now go, the rest stay
                    java.util.concurrent.CompletableFuture<Integer> prune =
                            store.pruneEvents(now - 43_200_000L - random.nextInt(43_200_000), 1000);
                    prunes.add(prune);
                    settle(prune, pending, inFlight);
                } else {
                    List<IncomingEvent> batch = new ArrayList<>();
                    for (int i = 1 + random.nextInt(5); i > 0; i--) {
                        long at = now - (random.nextInt(4) == 0 ? random.nextInt(86_400_000) : 0) + random.nextInt(60_000);
                        late += at < now ? 1 : 0;
                        int pick = random.nextInt(sessionIds.size());
                        String sid = random.nextInt(3) == 0 ? "" : sessionIds.get(pick);
                        String who = random.nextInt(10) == 0 ? "" : random.nextInt(4) == 0 ? identity : sessionOwners.get(pick);
                        if (random.nextInt(15) == 0) {
                            sid = "server-named-" + step; // a session a server names, not opened by sign-in
                        }
                        batch.add(new IncomingEvent(NAMES[random.nextInt(NAMES.length)], null, "", Map.of(), at, false,
                                who, sid, 0, 0, "test"));
                    }
                    settle(store.appendEvents(batch, now), pending, inFlight);
                }
            }
            for (java.util.concurrent.CompletableFuture<?> write : pending) {
                write.get(10, TimeUnit.SECONDS);
            }
            if (inFlight) {
                assertTrue(raw.commitCount() < raw.writeCount(), "commits held several writes: " + raw.commitCount()
                        + " commits for " + raw.writeCount() + " writes");
            }
            SessionMetrics metrics = store.sessionMetrics();
            Map<String, String> incremental = metrics.dump();
            store.metrics().rebuild().get(30, TimeUnit.SECONDS);
            Map<String, String> rebuilt = metrics.dump();
            assertTrue(incremental.size() > 50, "a data set worth comparing (after retention removed old events): " + incremental.size());
            assertTrue(late > 20, "late events happened: " + late);
            int pruned = 0;
            for (java.util.concurrent.CompletableFuture<Integer> prune : prunes) {
                pruned += prune.get();
            }
            assertTrue(pruned > 0, "retention removed events: " + pruned);
            Map<String, String> differences = new java.util.TreeMap<>();
            rebuilt.forEach((k, v) -> {
                if (!v.equals(incremental.get(k))) {
                    differences.put(k, "rebuilt " + v + ", incremental " + incremental.get(k));
                }
            });
            incremental.keySet().stream().filter(k -> !rebuilt.containsKey(k)).forEach(k -> differences.put(k, "only incremental"));
            assertEquals(Map.of(), differences, engine + (inFlight ? " in flight" : "") + ", seed " + seed + ", inactivity " + inactivitySec + ", cap " + idleCapSec + ", " + zone);
        }
    }

    /** Waits for the write now, or (in flight) at the end. */
    private static void settle(java.util.concurrent.CompletableFuture<?> write,
                               List<java.util.concurrent.CompletableFuture<?>> pending, boolean inFlight) throws Exception {
        if (inFlight) {
            pending.add(write);
        } else {
            write.get(10, TimeUnit.SECONDS);
        }
    }
}
