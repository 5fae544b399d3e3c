package io.guildhall.runtime.store;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The durable embedded store. Writes are applied at once under one lock, so each commit holds
 * whole logical operations only, and are acknowledged when the commit that holds them is synced to
 * disk. Concurrent writers share commits (group commit): many writes, one sync.
 */
public interface Store extends AutoCloseable {
    /** Opens (creating if needed) the named map. */
    KvMap map(String name);

    /**
     * Runs the mutation under the store's write lock on the calling thread. The returned future
     * completes with its result once the mutation is durable, or exceptionally when the mutation
     * threw (by convention mutations validate before they write) or the commit failed.
     */
    <T> CompletableFuture<T> write(Supplier<T> mutation);

    /**
     * Completes once everything written before this call is durable. Readers wait on it before
     * answering, so they never acknowledge data another request wrote but has not yet synced.
     */
    CompletableFuture<Void> durable();

    /**
     * Registers work that runs under the write lock right before the changes made so far leave
     * memory (a commit, or an append to the write-ahead log), so that it lands in the same commit as
     * the writes that queued it: derived data that many writes of one commit update only once. It
     * must not throw, and must leave nothing queued.
     */
    void beforeCommit(Runnable hook);

    /**
     * The named map, with changes that skip the write-ahead log where the engine keeps one: for bulk
     * writes of data that can be derived again from other stored data (a full rebuild of the session
     * metrics). Change it only inside {@link #write}; its changes are durable once a {@link #checkpoint()}
     * that follows returns, not when the write is acknowledged. The caller records in the store (with
     * an ordinary write) that such data is incomplete until then, so that a crash in between is noticed.
     */
    default KvMap unloggedMap(String name) {
        return map(name);
    }

    /**
     * Makes everything written so far durable in the store's main file, changes to
     * {@link #unloggedMap unlogged maps} included, and returns once it is. Blocks; never call it inside
     * a write.
     */
    default void checkpoint() {
        durable().join();
    }

    /** Waits for pending commits, then closes the files cleanly. */
    @Override
    void close();
}
