package io.guildhall.runtime.store;

import java.nio.file.Path;
import java.util.concurrent.locks.Lock;

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

    /**
     * How far space reclamation is behind while writes keep coming, in percentage points (0 = on
     * target). Called under the write lock with writes pending, so it must be cheap.
     */
    default int reclaimBacklog() {
        return 0;
    }

    /**
     * Marks about {@code budgetBytes} of live data in sparse parts of the file for moving, without
     * writing anything: the next {@link #commit()} writes it along with the pending writes and so
     * frees those parts. Called under the write lock with writes pending, right before the commit.
     */
    default void compactIntoNextCommit(int budgetBytes) {
    }

    /** The named map with changes that skip the engine's log, if it keeps one (see {@link Store#unloggedMap}). */
    default KvMap openUnloggedMap(String name) {
        return openMap(name);
    }

    /**
     * Writes everything applied so far into the main file and syncs it, for engines that keep a log
     * beside it. Called without the write lock, after every write so far was committed and synced.
     */
    default void checkpoint() {
    }

    /**
     * Work to run, under the write lock, before the engine moves changes out of memory by itself
     * (a log append outside {@link #commit()}); see {@link Store#beforeCommit}.
     */
    default void beforeChangesLeave(Runnable hook) {
    }

    /** False once the engine cannot write any more without being reopened (it closed itself after a failure). */
    default boolean usable() {
        return true;
    }

    /**
     * Called once when the store starts, with the lock under which every mutation, {@link #commit()}
     * and {@link #compactIntoNextCommit} run: an engine with threads of its own takes it to find a
     * moment between mutations.
     */
    default void bind(Lock writeLock) {
    }

    /** Copies a consistent image of the store into {@code target} while writes go on. */
    default Backup backup(Path target) {
        throw new StoreException(this + " cannot take online backups");
    }

    /** Closes the files; the caller has committed and synced everything first. */
    @Override
    void close();
}
