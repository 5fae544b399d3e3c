package io.guildhall.runtime.store;

/**
 * The engine-specific half of the store: files, maps and the two steps of making writes durable.
 * {@link GroupCommitStore} owns locking and acknowledgement; an engine only does what it is told.
 */
interface StoreEngine extends AutoCloseable {
    /** Opens (creating if needed) the named map. Called under the write lock. */
    KvMap openMap(String name);

    /**
     * Persists a consistent version of everything written so far. Called under the write lock, so the
     * version holds whole mutations only. Need not reach the disk: {@link #sync()} follows.
     */
    void commit();

    /** Makes the last commit durable on disk. Called without the lock, so writers go on meanwhile. */
    void sync();

    /**
     * Does one bounded step of space reclamation, leaving everything it wrote synced. Called under the
     * write lock when nothing is pending. Returns true if there may be more to do.
     */
    default boolean compactStep() {
        return false;
    }

    /** Closes the files; the caller has committed and synced everything first. */
    @Override
    void close();
}
