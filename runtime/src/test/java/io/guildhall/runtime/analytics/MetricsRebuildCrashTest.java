package io.guildhall.runtime.analytics;

import io.guildhall.runtime.store.GroupCommitStore;
import io.guildhall.runtime.store.Stores;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The full rebuild writes its entries beside the write-ahead log: a crash before it recorded the
 * settings again must leave the numbers marked stale, and the next start must rebuild them to the
 * same numbers. The crash images are copies of the data folder taken while the store is open
 * (after the derived entries were written but not yet checkpointed, and after the checkpoint),
 * which is what the disk holds if the process dies right then.
 */
class MetricsRebuildCrashTest {
    private static final long T0 = 1_780_000_000_000L;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {Stores.MVSTORE, Stores.MAPDB})
    void aRebuildCutShortIsDoneAgainAtTheNextStart(String engine) throws Exception {
        Path data = dir.resolve("data");
        Map<String, String> expected;
        try (GroupCommitStore raw = Stores.open(engine, data)) {
            AnalyticsStore store = store(raw);
            for (int s = 0; s < 40; s++) {
                long start = T0 + s * 600_000L;
                String identity = "player-" + (s % 7);
                store.authenticate(identity, Map.of(), Map.of(), "s" + s, 0, start).get(10, TimeUnit.SECONDS);
                List<IncomingEvent> batch = new ArrayList<>();
                for (int e = 0; e < 5; e++) {
                    // the last event of every fourth session arrives late, the day before
                    long at = start + 30_000L * (e + 1) - (s % 4 == 0 && e == 4 ? 86_400_000L : 0);
                    batch.add(new IncomingEvent("tick", null, "", Map.of(), at, false, identity, "s" + s, 0, 0, "test"));
                }
                store.appendEvents(batch, start).get(10, TimeUnit.SECONDS);
            }
            expected = store.sessionMetrics().dump();
            assertTrue(expected.size() > 50, "a data set worth comparing: " + expected.size());
            store.sessionMetrics().rebuild(step -> copy(data, dir.resolve("crash-after-step-" + step)));
            assertEquals(expected, store.sessionMetrics().dump(), "the rebuild agrees with the incremental numbers");
        }
        for (int step : new int[] {2, 3}) {
            try (GroupCommitStore raw = Stores.open(engine, dir.resolve("crash-after-step-" + step))) {
                AnalyticsStore store = store(raw);
                assertTrue(store.sessionMetrics().stale(), "a rebuild cut short after step " + step + " is noticed");
                assertTrue(store.metrics().rebuildIfStale());
                assertEquals(expected, store.sessionMetrics().dump(), "after a crash after step " + step);
                assertFalse(store.sessionMetrics().stale());
            }
        }
        try (GroupCommitStore raw = Stores.open(engine, data)) {
            AnalyticsStore store = store(raw);
            assertFalse(store.sessionMetrics().stale(), "a finished rebuild is not done again");
            assertEquals(expected, store.sessionMetrics().dump(), "the rebuilt entries survived the restart");
        }
    }

    private static AnalyticsStore store(GroupCommitStore raw) {
        return new AnalyticsStore(raw, 1800, 86400, 0, 300, ZoneOffset.UTC);
    }

    private static void copy(Path from, Path to) {
        try (var walk = Files.walk(from)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
