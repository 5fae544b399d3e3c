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

    /** Waits for pending commits, then closes the files cleanly. */
    @Override
    void close();
}
