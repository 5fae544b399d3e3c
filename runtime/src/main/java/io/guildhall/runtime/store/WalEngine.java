package io.guildhall.runtime.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MVStore behind a write-ahead log. A group commit appends the map changes of every mutation since
 * the last one as one record and syncs the log: one small sequential write and one fsync, however
 * large the B-trees are. The B-trees stay in memory and reach the MVStore file only at checkpoints,
 * which a thread of their own runs without the store's write lock:
 * <ol>
 *   <li>under the write lock, at a commit boundary: start a new log segment;</li>
 *   <li>without it: MVStore commit and sync (writers go on meanwhile; the checkpoint may hold parts
 *   of later mutations, which is harmless because their records are replayed over it in order);</li>
 *   <li>delete the segments before the new one; reclaim space (MVStore compaction) for a while.</li>
 * </ol>
 * Before any write to the MVStore file, {@link #beforeTreeWrite()} appends and syncs every change
 * made so far: a chunk can then only hold changes whose records are durable, so no crash leaves
 * half of a mutation in the file without the record that completes it.
 * <p>
 * On open, every segment present is replayed into the B-trees (stopping at a torn record at the end
 * of the newest), then a checkpoint is written and a fresh segment started. The file carries the
 * store format (see {@link #FORMAT}); older formats are migrated in place, newer ones refused.
 */
final class WalEngine implements StoreEngine {
    private static final Logger log = LoggerFactory.getLogger(WalEngine.class);

    /**
     * Store format this release writes: 2 = MVStore file plus write-ahead log. Format 1 (MVStore file
     * alone, every commit written into the B-trees) is what releases before the log wrote; its files
     * carry no number (MVStore's store version 0).
     */
    static final int FORMAT = 2;
    static final String WAL_DIR = "wal";
    /** How often the checkpointer looks at its triggers when nobody wakes it. */
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /** Space reclamation after a checkpoint stops after this long (and resumes after the next). */
    private static final long COMPACTION_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(2);
    private static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(30);

    /** When to checkpoint: whichever comes first. */
    record Settings(long checkpointBytes, Duration checkpointInterval, long maxUnsavedBytes) {
        static final Settings DEFAULTS = new Settings(64L << 20, Duration.ofSeconds(60), 0);

        /** {@code maxUnsavedBytes} 0 means "from the heap" ({@link Stores#unsavedBytes}). */
        Settings {
            maxUnsavedBytes = Stores.unsavedBytes(maxUnsavedBytes);
        }
    }

    private final Path dataDir;
    private final Settings settings;
    private final MvStoreEngine tree;
    private final WriteAheadLog wal;
    /** Changes since the last append. Guarded by the store's write lock. */
    private final MapOps ops = new MapOps();
    private final Map<String, KvMap> maps = new ConcurrentHashMap<>();
    /** Runs before every append, under the write lock (see {@link Store#beforeCommit}). */
    private volatile Runnable beforeAppend = () -> { };
    /** The store's write lock, once bound; null while opening (nobody else writes then). */
    private volatile Lock writeLock;
    /** Held for a whole checkpoint, and by a backup while it copies files (the MVStore file must not change). */
    private final ReentrantLock checkpointLock = new ReentrantLock();
    private final Thread checkpointer;
    private volatile boolean closing;
    private volatile long lastCheckpointNanos = System.nanoTime();
    private volatile long checkpoints;
    // checkpointer thread only
    private long retryNanos;
    private long retryAt;

    /** False when this open created the MVStore file. */
    private final boolean existed;

    private WalEngine(Path dataDir, String fileSystem, Settings settings) {
        this.dataDir = dataDir;
        this.settings = settings;
        this.existed = Files.exists(dataDir.resolve(Stores.MVSTORE_FILE));
        this.tree = MvStoreEngine.open(dataDir.resolve(Stores.MVSTORE_FILE), fileSystem, this::beforeTreeWrite);
        // a segment is rotated away after about checkpoint_bytes of records (more while a checkpoint runs)
        this.wal = WriteAheadLog.open(dataDir.resolve(WAL_DIR), fileSystem,
                Math.max(64L << 10, Math.min(256L << 20, settings.checkpointBytes() + settings.checkpointBytes() / 4)));
        this.checkpointer = new Thread(this::checkpointLoop, "store-checkpointer");
        checkpointer.setDaemon(true);
    }

    static WalEngine open(Path dataDir) {
        return open(dataDir, "async:", Settings.DEFAULTS);
    }

    /** @param fileSystem H2 file system prefix for every file; tests stack a recording one on "async:" */
    static WalEngine open(Path dataDir, String fileSystem, Settings settings) {
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new StoreException("cannot create data directory " + dataDir + ": " + e, e);
        }
        WalEngine engine = new WalEngine(dataDir, fileSystem, settings);
        try {
            engine.recover();
        } catch (RuntimeException | Error e) {
            engine.wal.close();
            engine.tree.abandon();
            throw e;
        }
        return engine;
    }

    /** Checks the format, replays the log, writes a checkpoint, starts a fresh segment. */
    private void recover() {
        int format = Math.max(1, tree.formatVersion());
        if (format > FORMAT) {
            throw new StoreException("the data folder " + dataDir + " holds store format " + format
                    + ", written by a newer Guildhall; this release reads formats 1 to " + FORMAT
                    + ". Run that newer release, or restore a backup taken with this one.");
        }
        long start = System.nanoTime();
        long replayed = wal.replay(record -> MapOps.replay(record, new MapOps.Target() {
            @Override
            public void put(String map, String key, byte[] value) {
                tree.openMap(map).put(key, value);
            }

            @Override
            public void remove(String map, String key) {
                tree.openMap(map).remove(key);
            }
        }));
        if (format < FORMAT && existed) {
            log.info("Migrating the data folder {} from store format {} to {}", dataDir, format, FORMAT);
        }
        if (format < FORMAT) {
            tree.setFormatVersion(FORMAT);
        }
        if (tree.hasUnsavedChanges()) {
            tree.commit();
            tree.sync();
        }
        // the checkpoint holds every replayed record: the old segments go before a new one starts (an
        // old newest segment has no end mark, so it must never sit behind a newer one)
        wal.deleteBefore(Long.MAX_VALUE);
        wal.rotate();
        if (replayed > 0) {
            log.info("Replayed {} write-ahead log records into {} in {} ms", replayed, tree,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        }
    }

    @Override
    public void bind(Lock storeWriteLock) {
        this.writeLock = storeWriteLock;
        checkpointer.start();
    }

    @Override
    public KvMap openMap(String name) {
        return maps.computeIfAbsent(name, n -> new LoggedMap(n, tree.openMap(n), ops));
    }

    /** The B-tree itself: its changes reach the disk only with the next checkpoint. */
    @Override
    public KvMap openUnloggedMap(String name) {
        return tree.openMap(name);
    }

    /** Appends the changes since the last append as one record (under the write lock). */
    @Override
    public void commit() {
        // MVStore closes itself after a failed write (a full disk) in a checkpoint: the maps the writes
        // went to are gone, so the store must break (and the server restart and replay the log).
        if (!tree.usable()) {
            throw new StoreException(tree + " closed itself after a failed write; the log is replayed at the next start");
        }
        appendChanges();
        if (checkpointDue()) {
            LockSupport.unpark(checkpointer);
        }
    }

    @Override
    public void sync() {
        wal.force();
    }

    @Override
    public boolean usable() {
        return tree.usable();
    }

    @Override
    public void beforeChangesLeave(Runnable hook) {
        this.beforeAppend = hook;
    }

    private void appendChanges() {
        beforeAppend.run();
        if (!ops.isEmpty()) {
            wal.append(ops.view());
            ops.clear();
        }
    }

    /**
     * Runs before every write to the MVStore file. The chunk about to be written may hold any change
     * made so far, so every change made so far goes to the log, synced, first; taking the write lock
     * also lets a mutation in progress finish, so the record holds it whole.
     */
    private void beforeTreeWrite() {
        Lock lock = writeLock;
        if (lock == null) {
            return; // opening: the only changes are replayed ones, already in the log
        }
        lock.lock();
        try {
            appendChanges();
        } finally {
            lock.unlock();
        }
        // outside the lock, so that writers go on meanwhile: force() syncs the current segment, and a
        // segment rotated away since was synced by the rotation
        wal.force();
    }

    private boolean checkpointDue() {
        long logged = wal.currentSize() - WriteAheadLog.HEADER_BYTES;
        if (logged <= 0) {
            return false;
        }
        return logged >= settings.checkpointBytes()
                || tree.unsavedMemory() >= settings.maxUnsavedBytes()
                || System.nanoTime() - lastCheckpointNanos >= settings.checkpointInterval().toNanos();
    }

    private void checkpointLoop() {
        while (!closing) {
            LockSupport.parkNanos(POLL_NANOS);
            if (closing || !checkpointDue() || System.nanoTime() - retryAt < 0) {
                continue;
            }
            try {
                checkpoint();
                retryNanos = 0;
                compact();
            } catch (RuntimeException e) {
                // the log keeps everything; try again later (it grows meanwhile)
                retryNanos = Math.min(MAX_RETRY_NANOS, Math.max(2 * retryNanos, TimeUnit.SECONDS.toNanos(1)));
                retryAt = System.nanoTime() + retryNanos;
                log.error("Checkpoint of {} failed; the write-ahead log keeps every change, retrying in {} s",
                        tree, TimeUnit.NANOSECONDS.toSeconds(retryNanos), e);
            }
        }
    }

    /** Writes the B-trees to the MVStore file and drops the log segments that file now covers. */
    @Override
    public void checkpoint() {
        checkpointLock.lock();
        try {
            long start = System.nanoTime();
            long firstKept;
            long logged;
            Lock lock = writeLock;
            lock.lock();
            try {
                appendChanges();
                logged = wal.currentSize();
                firstKept = wal.rotate();
            } finally {
                lock.unlock();
            }
            long unsaved = tree.unsavedMemory();
            long written = tree.writtenBytes();
            // the gate below does this again for what comes meanwhile; a log that cannot be written
            // fails here, rather than inside MVStore's commit (which would close the store)
            beforeTreeWrite();
            tree.commit();
            tree.sync();
            wal.deleteBefore(firstKept);
            // the next segment will hold about as much as this one did
            wal.prepareSpare(logged + logged / 4);
            lastCheckpointNanos = System.nanoTime();
            checkpoints++;
            log.debug("Checkpoint of {} after {} KiB of log: {} KiB written, {} KiB unsaved before, {} ms", tree, logged >> 10,
                    (tree.writtenBytes() - written) >> 10, unsaved >> 10,
                    TimeUnit.NANOSECONDS.toMillis(lastCheckpointNanos - start));
        } finally {
            checkpointLock.unlock();
        }
    }

    /**
     * Space reclamation for a bounded time, or until done; each step commits and syncs. Rewriting
     * sparse chunks runs beside the writers; moving chunks to shrink the file holds them off (see
     * {@link MvStoreEngine#shrinkStep()}), so it runs only while no writes come.
     */
    private void compact() {
        long end = System.nanoTime() + COMPACTION_BUDGET_NANOS;
        try {
            while (!closing && System.nanoTime() - end < 0) {
                checkpointLock.lock();
                try {
                    if (tree.rewriteStep()) {
                        continue;
                    }
                    if (!idle() || !shrinkWithWritersHeldOff()) {
                        return;
                    }
                } finally {
                    checkpointLock.unlock();
                }
            }
        } catch (RuntimeException e) {
            log.warn("Space reclamation of {} failed", tree, e);
        }
    }

    /** No write since the last checkpoint. */
    private boolean idle() {
        return wal.currentSize() == WriteAheadLog.HEADER_BYTES && ops.isEmpty();
    }

    private boolean shrinkWithWritersHeldOff() {
        Lock lock = writeLock;
        lock.lock();
        try {
            appendChanges();
            return tree.shrinkStep();
        } finally {
            lock.unlock();
        }
    }

    /** Checkpoints written since the store was opened. */
    long checkpointCount() {
        return checkpoints;
    }

    /**
     * Copies a consistent image of the store into {@code target} (created; must be empty or absent),
     * while writes go on: the MVStore file as of the last checkpoint (checkpoints wait meanwhile), and
     * the log up to the last record synced when the copy started. The copy is a data folder: a server
     * started on it replays the log and has every write acknowledged before the backup began.
     */
    @Override
    public Backup backup(Path target) {
        long start = System.nanoTime();
        try {
            Files.createDirectories(target.resolve(WAL_DIR));
            try (var entries = Files.list(target)) {
                if (entries.anyMatch(entry -> !entry.getFileName().toString().equals(WAL_DIR))) {
                    throw new StoreException("backup target " + target + " is not empty");
                }
            }
            try (var entries = Files.list(target.resolve(WAL_DIR))) {
                if (entries.findAny().isPresent()) {
                    throw new StoreException("backup target " + target + " is not empty");
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot create backup folder " + target + ": " + e, e);
        }
        checkpointLock.lock();
        try {
            long lastSegment;
            long lastSegmentBytes;
            Lock lock = writeLock;
            lock.lock();
            try {
                appendChanges();
                wal.force();
                lastSegment = wal.currentSequence();
                lastSegmentBytes = wal.currentSize();
            } finally {
                lock.unlock();
            }
            long bytes = copy(tree.file(), target.resolve(Stores.MVSTORE_FILE), Long.MAX_VALUE);
            for (long segment : wal.segments()) {
                if (segment <= lastSegment) {
                    Path to = target.resolve(WAL_DIR).resolve(wal.file(segment).getFileName());
                    bytes += copy(wal.file(segment), to, segment == lastSegment ? lastSegmentBytes : Long.MAX_VALUE);
                }
            }
            WriteAheadLog.syncDirectory(target.resolve(WAL_DIR));
            WriteAheadLog.syncDirectory(target);
            return new Backup(target, bytes, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
        } catch (IOException e) {
            throw new StoreException("backup to " + target + " failed: " + e, e);
        } finally {
            checkpointLock.unlock();
        }
    }

    /** Copies at most {@code limit} bytes of a file and syncs the copy. */
    private static long copy(Path from, Path to, long limit) throws IOException {
        try (FileChannel in = FileChannel.open(from, StandardOpenOption.READ);
             FileChannel out = FileChannel.open(to, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long size = Math.min(limit, in.size());
            long done = 0;
            while (done < size) {
                long n = in.transferTo(done, size - done, out);
                if (n <= 0) {
                    throw new IOException("short copy of " + from + " at byte " + done);
                }
                done += n;
            }
            out.force(true);
            return done;
        }
    }

    /**
     * Stops the checkpointer, writes a last checkpoint and deletes the log: a clean close leaves the
     * MVStore file complete by itself. The store has committed and synced everything first.
     */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(checkpointer);
        boolean interrupted = false;
        while (checkpointer.isAlive()) {
            try {
                checkpointer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            checkpointLock.lock();
            try {
                appendChanges();
                wal.force();
                tree.commit();
                tree.sync();
                wal.deleteBefore(wal.currentSequence() + 1);
            } finally {
                checkpointLock.unlock();
            }
        } catch (RuntimeException e) {
            log.warn("Final checkpoint of {} failed; the write-ahead log is kept and replayed at the next start",
                    tree, e);
        } finally {
            wal.close();
            tree.close();
        }
    }

    @Override
    public String toString() {
        return tree + " with write-ahead log";
    }
}
