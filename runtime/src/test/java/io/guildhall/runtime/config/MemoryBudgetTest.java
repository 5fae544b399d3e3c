package io.guildhall.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildhall.runtime.store.Stores;

import java.util.Map;

import org.junit.jupiter.api.Test;

/** The memory start-up checks against the heap, and the checkpoint size taken from it. */
class MemoryBudgetTest {
    private static final long MIB = 1L << 20;

    @Test
    void checkpointsTakeAnEighthOfTheHeapBetween8And256MiB() {
        assertEquals(8 * MIB, Stores.unsavedBytesFor(32 * MIB));
        assertEquals(32 * MIB, Stores.unsavedBytesFor(256 * MIB));
        assertEquals(128 * MIB, Stores.unsavedBytesFor(1024 * MIB));
        assertEquals(256 * MIB, Stores.unsavedBytesFor(8192 * MIB));
    }

    @Test
    void theDefaultsAddUpTheCachesAndThreeCheckpoints() {
        MemoryBudget budget = MemoryBudget.of(ConfigLoader.load(new String[]{"--data.checkpoint_unsaved_bytes=" + 100 * MIB}, Map.of()));
        // session 2 x 32, account memos 3 x 32, login attempts 16, keys 8, analytics 32, MVStore pages 16
        assertEquals(232 * MIB, budget.cacheBytes());
        assertEquals(300 * MIB, budget.checkpointBytes());
        assertEquals(596 * MIB, budget.total());
        assertTrue(budget.warningFor(596 * MIB).isEmpty());
        String warning = budget.warningFor(256 * MIB).orElseThrow();
        assertTrue(warning.contains("heap (256 MiB)") && warning.contains("-Xmx597m"), warning);
    }

    @Test
    void smallerCachesFitASmallerHeap() {
        MemoryBudget budget = MemoryBudget.of(ConfigLoader.load(new String[]{
                "--session.verified_cache_bytes=" + 4 * MIB, "--account.memo_cache_bytes=" + 4 * MIB,
                "--account.login_attempts_cache_bytes=" + 2 * MIB, "--analytics.verified_cache_bytes=" + 4 * MIB,
                "--data.checkpoint_unsaved_bytes=" + 16 * MIB}, Map.of()));
        assertEquals((8 + 12 + 2 + 8 + 4 + 16) * MIB, budget.cacheBytes());
        assertTrue(budget.warningFor(256 * MIB).isEmpty(), "a 256 MiB heap holds these bounds");
    }
}
