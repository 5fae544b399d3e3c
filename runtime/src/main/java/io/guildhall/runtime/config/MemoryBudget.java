package io.guildhall.runtime.config;

import io.guildhall.runtime.store.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * What the configured memory bounds can add up to, against the JVM's heap: every cache at its
 * bound, and a checkpoint of the store (its changed pages and the chunk they are written into, with
 * room for the changes that keep coming meanwhile). A heap below that works until the caches fill
 * or a checkpoint grows, then fails; a checkpoint that fails closes the store. So start-up says so.
 */
public record MemoryBudget(long cacheBytes, long checkpointBytes) {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryBudget.class);
    /** Requests, sessions, JIT and the rest, beyond the bounded caches. */
    static final long WORKING_BYTES = 64L << 20;
    /** MVStore's page cache ({@code guildhall.mvstore.cache_mb}, 16 MiB). */
    private static final long PAGE_CACHE_BYTES = Long.getLong("guildhall.mvstore.cache_mb", 16) << 20;

    public static MemoryBudget of(Config config) {
        long caches = 2 * config.number(Setting.SESSION_VERIFIED_CACHE_BYTES) // session and refresh tokens
                + 3 * config.number(Setting.ACCOUNT_MEMO_CACHE_BYTES) // accounts, refresh, sign-in
                + config.number(Setting.ACCOUNT_LOGIN_ATTEMPTS_CACHE_BYTES)
                + config.number(Setting.PLUGINS_KEY_CACHE_MAX_BYTES)
                + config.number(Setting.ANALYTICS_VERIFIED_CACHE_BYTES)
                + PAGE_CACHE_BYTES;
        return new MemoryBudget(caches, 3 * Stores.unsavedBytes(config.number(Setting.DATA_CHECKPOINT_UNSAVED_BYTES)));
    }

    public long total() {
        return cacheBytes + checkpointBytes + WORKING_BYTES;
    }

    /** The warning start-up logs, if the heap is below the budget. */
    public Optional<String> warningFor(long maxHeapBytes) {
        if (maxHeapBytes >= total()) {
            return Optional.empty();
        }
        return Optional.of(String.format("The JVM's heap (%d MiB) is below what the configured bounds can use: "
                        + "caches %d MiB + store checkpoints %d MiB (3 x data.checkpoint_unsaved_bytes) + %d MiB working. "
                        + "Run it with -Xmx%dm or more, or lower the *_cache_bytes settings; a checkpoint that runs "
                        + "out of memory closes the store.",
                maxHeapBytes >> 20, cacheBytes >> 20, checkpointBytes >> 20, WORKING_BYTES >> 20, (total() >> 20) + 1));
    }

    public void warnIfOver(long maxHeapBytes) {
        warningFor(maxHeapBytes).ifPresentOrElse(LOG::warn, () -> LOG.info(
                "Memory: heap {} MiB for caches up to {} MiB and store checkpoints up to {} MiB",
                maxHeapBytes >> 20, cacheBytes >> 20, checkpointBytes / 3 >> 20));
    }
}
