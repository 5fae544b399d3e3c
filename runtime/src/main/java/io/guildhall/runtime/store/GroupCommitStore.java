package io.guildhall.runtime.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Store} over any {@link StoreEngine}: writers apply their mutation under one lock and leave;
 * a single committer thread commits everything written so far (under the lock, so a version holds
 * whole mutations), syncs it (without the lock, so writers go on), and acknowledges all the writes
 * that commit covered. Many writes, one sync.
 * <p>
 * Space reclamation runs in short steps under the lock: while idle, each step commits and syncs by
 * itself; under sustained writes, paced steps mark data for moving right before a regular commit,
 * which then writes and syncs it with the writes (otherwise the file would grow without bound).
 * <p>
 * Futures are completed on a thread of their own ("store-acks"), so that waking the waiting requests
 * overlaps the next commit; callbacks attached to them should still do little work.
 * A failed commit fails the writes it held and is retried with back-off (the data is still in memory).
 * A failed sync is fatal: after an fsync error the OS may already have dropped the dirty pages, so a
 * later "successful" sync proves nothing; every later write and barrier fails until restart.
 */
public final class GroupCommitStore implements Store {
    private static final Logger log = LoggerFactory.getLogger(GroupCommitStore.class);

    /** Answer to {@link #durable()} when nothing is pending; shared, so callers must not complete it. */
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    static final Duration DEFAULT_HOUSEKEEPING_INTERVAL = Duration.ofSeconds(1);
    /**
     * Most of the committer's time that compaction may take while writes keep coming, counting the
     * commit's extra work (see {@link LoadCompactionPacer}): the steps themselves take half of that.
     */
    static final int DEFAULT_LOAD_COMPACTION_PERCENT = 30;
    /** Longest the committer holds the write lock for compaction in one go. */
    private static final long HOUSEKEEPING_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final long HOUSEKEEPING_PAUSE_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** Compaction steps allowed after a commit: a bound in case an engine keeps finding work. */
    private static final int MAX_COMPACTION_STEPS = 256;
    private static final long MIN_RETRY_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MAX_RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final StoreEngine engine;
    private final long housekeepingIntervalNanos;
    private final LoadCompactionPacer loadCompaction;
    private final ReentrantLock writeLock = new ReentrantLock();
    /** Signalled when there is something to commit, or the store closes. */
    private final Condition workArrived = writeLock.newCondition();
    private final Map<String, KvMap> maps = new ConcurrentHashMap<>();
    private final Map<String, KvMap> unloggedMaps = new ConcurrentHashMap<>();
    /** See {@link Store#beforeCommit}; replaced under writeLock. */
    private volatile Runnable beforeCommit = () -> { };
    private final Thread committer;
    /** Completes the futures of synced rounds, in order; see the class comment. */
    private final ExecutorService acknowledger;
    private volatile Thread acknowledgerThread;
    private final AtomicBoolean engineClosed = new AtomicBoolean();
    /** Set while a backup is written: a second one would only queue behind it and double the disk load. */
    private final AtomicBoolean backingUp = new AtomicBoolean();

    /** Bumped under the write lock before each mutation runs, so its data never looks durable early. */
    private volatile long writeSeq;
    /** Highest writeSeq synced to disk; written by the committer only. */
    private volatile long durableSeq;
    /** Writes waiting for the next commit. Guarded by writeLock. */
    private ArrayList<Ack<?>> batch = new ArrayList<>();
    /** Handed out by durable(); swapped under writeLock, read without it. */
    private volatile CompletableFuture<Void> nextBarrier = new CompletableFuture<>();
    private volatile boolean closed;
    /** Set when a sync failed; nothing can be acknowledged after that. */
    private volatile StoreException broken;
    private volatile long writes;
    private volatile long commits;
    /** True while the last commit attempt failed (writes are being failed and retried). */
    private volatile boolean commitFailing;
    /** Told once when the store breaks for good. */
    private volatile java.util.function.Consumer<StoreException> onBroken = failure -> { };
    /** Threads that must never wait for the write lock (a server's IO threads); see {@link #refuseWritesFrom}. */
    private volatile Predicate<Thread> refusedWriters = thread -> false;

    // committer thread only
    private long retryNanos;
    private long retryAt;
    private boolean lastAttemptFailed;
    private boolean failedAfterClose;
    private boolean compactionDue;
    private int compactionStepsLeft;
    private long nextHousekeeping;

    private GroupCommitStore(StoreEngine engine, Duration housekeepingInterval, int loadCompactionPercent) {
        this.engine = engine;
        this.housekeepingIntervalNanos = housekeepingInterval.toNanos();
        this.nextHousekeeping = System.nanoTime() + housekeepingIntervalNanos;
        this.loadCompaction = new LoadCompactionPacer(loadCompactionPercent, System.nanoTime());
        this.committer = new Thread(this::commitLoop, "store-committer");
        committer.setDaemon(true);
        this.acknowledger = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "store-acks");
            thread.setDaemon(true);
            acknowledgerThread = thread;
            return thread;
        });
    }

    /** Starts the committer over an open engine; the store owns the engine from here on. */
    static GroupCommitStore start(StoreEngine engine, Duration housekeepingInterval) {
        return start(engine, housekeepingInterval, DEFAULT_LOAD_COMPACTION_PERCENT);
    }

    /** @param loadCompactionPercent see {@link #DEFAULT_LOAD_COMPACTION_PERCENT}; 0 compacts only when idle */
    static GroupCommitStore start(StoreEngine engine, Duration housekeepingInterval, int loadCompactionPercent) {
        GroupCommitStore store = new GroupCommitStore(Objects.requireNonNull(engine), housekeepingInterval,
                loadCompactionPercent);
        engine.bind(store.writeLock);
        store.committer.start();
        return store;
    }

    @Override
    public KvMap map(String name) {
        Objects.requireNonNull(name, "name");
        KvMap map = maps.get(name);
        return map != null ? map : openLocked(maps, name, engine::openMap);
    }

    /** Opens a map once, under the write lock: creating one writes engine metadata, which must stay out of a half-taken commit. */
    private KvMap openLocked(Map<String, KvMap> opened, String name, Function<String, KvMap> open) {
        writeLock.lock();
        try {
            if (closed) {
                throw new StoreException("store is closed");
            }
            return opened.computeIfAbsent(name, open);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public void beforeCommit(Runnable hook) {
        Objects.requireNonNull(hook, "hook");
        writeLock.lock();
        try {
            Runnable before = beforeCommit;
            beforeCommit = () -> {
                before.run();
                hook.run();
            };
            engine.beforeChangesLeave(beforeCommit);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public KvMap unloggedMap(String name) {
        Objects.requireNonNull(name, "name");
        return openLocked(unloggedMaps, name, engine::openUnloggedMap);
    }

    @Override
    public void checkpoint() {
        if (writeLock.isHeldByCurrentThread()) {
            // the engine's checkpoint takes the lock between its own steps: inside a write it would deadlock
            throw new IllegalStateException("checkpoint() called inside a store write");
        }
        durable().join();
        StoreException fatal = broken;
        if (fatal != null) {
            throw fatal;
        }
        engine.checkpoint();
    }

    /**
     * Makes {@link #write} throw on the threads the predicate accepts. A writer may wait for the lock
     * while a commit holds it (milliseconds), and an IO thread that waits stalls every connection it
     * serves: this turns such a call path into an error the tests see instead of a latency spike.
     */
    public void refuseWritesFrom(Predicate<Thread> threads) {
        this.refusedWriters = Objects.requireNonNull(threads, "threads");
    }

    @Override
    public <T> CompletableFuture<T> write(Supplier<T> mutation) {
        Objects.requireNonNull(mutation, "mutation");
        Thread caller = Thread.currentThread();
        if (refusedWriters.test(caller)) {
            throw new IllegalStateException("store write on " + caller.getName()
                    + ", which must not wait for the write lock; hand the write to a worker");
        }
        writeLock.lock();
        try {
            if (closed) {
                return CompletableFuture.failedFuture(new StoreException("store is closed"));
            }
            StoreException fatal = broken;
            if (fatal != null) {
                return CompletableFuture.failedFuture(fatal);
            }
            writeSeq++;
            // even a mutation that throws may have written part of its data: have it committed
            workArrived.signal();
            T value;
            try {
                value = mutation.get();
            } catch (RuntimeException | Error e) {
                return CompletableFuture.failedFuture(e);
            }
            CompletableFuture<T> future = new CompletableFuture<>();
            batch.add(new Ack<>(future, value));
            writes++;
            return future;
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public CompletableFuture<Void> durable() {
        long written = writeSeq;
        if (written <= durableSeq) {
            return DONE;
        }
        CompletableFuture<Void> barrier = nextBarrier;
        // the committer may have finished the round that covers us and swapped the barrier meanwhile
        if (written <= durableSeq) {
            return DONE;
        }
        return barrier;
    }

    @Override
    public void close() {
        if (Thread.currentThread() == committer || Thread.currentThread() == acknowledgerThread) {
            // waiting for ourselves would hang forever
            throw new IllegalStateException("close() called from a store future's callback");
        }
        writeLock.lock();
        try {
            closed = true;
            workArrived.signalAll();
        } finally {
            writeLock.unlock();
        }
        joinCommitter();
        awaitAcknowledger();
        if (engineClosed.compareAndSet(false, true)) {
            try {
                engine.close();
            } catch (RuntimeException e) {
                throw new StoreException("closing " + engine + " failed: " + e.getMessage(), e);
            }
        }
    }

    /**
     * True while writes can be made durable: not closed, not broken, and the last commit worked. A
     * volatile read, cheap enough for a health check on an IO thread.
     */
    public boolean healthy() {
        return !closed && broken == null && !commitFailing && engine.usable();
    }

    /**
     * Called (once, on the committer thread) when the store breaks for good: a sync failed or the engine
     * closed itself. Nothing unacknowledged is lost by exiting then: every write acknowledged was synced.
     */
    public void onBroken(java.util.function.Consumer<StoreException> handler) {
        this.onBroken = Objects.requireNonNull(handler, "handler");
    }

    /**
     * Writes a consistent copy of the store into {@code target} (a folder that is absent or empty)
     * while writes go on; a server started on that folder has every write acknowledged before this
     * call. Blocks for as long as the copy takes. One backup at a time, whoever asks (admin socket,
     * console): a second one while the first runs is refused rather than queued.
     *
     * @throws BackupInProgressException while another backup of this store runs
     * @throws StoreException if the engine cannot take backups, the store is closed, or copying fails
     */
    public Backup backup(java.nio.file.Path target) {
        if (closed) {
            throw new StoreException("store is closed");
        }
        if (!backingUp.compareAndSet(false, true)) {
            throw new BackupInProgressException();
        }
        try {
            return engine.backup(target);
        } finally {
            backingUp.set(false);
        }
    }

    /** Writes whose mutation ran without throwing. */
    public long writeCount() {
        return writes;
    }

    /** Told about every synced commit (for the Prometheus metrics); the committer thread calls it. */
    public interface CommitObserver {
        /**
         * @param writes      the writes the commit held (the group-commit batch size)
         * @param commitNanos time to write the commit under the lock
         * @param syncNanos   time the fsync took
         */
        void committed(int writes, long commitNanos, long syncNanos);
    }

    private volatile CommitObserver observer = (writes, commitNanos, syncNanos) -> { };

    public void observeCommits(CommitObserver observer) {
        this.observer = observer;
    }

    /** Commits that were synced (each may hold many writes). */
    public long commitCount() {
        return commits;
    }

    private void joinCommitter() {
        boolean interrupted = false;
        while (committer.isAlive()) {
            try {
                committer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Every round the committer handed over is acknowledged before the store closes. */
    private void awaitAcknowledger() {
        acknowledger.shutdown();
        boolean interrupted = false;
        while (!acknowledger.isTerminated()) {
            try {
                acknowledger.awaitTermination(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void commitLoop() {
        try {
            Round round;
            while ((round = takeRound()) != null) {
                if (round.failure != null) {
                    failRound(round, round.failure);
                    continue;
                }
                long syncNanos;
                try {
                    long began = System.nanoTime();
                    engine.sync();
                    syncNanos = System.nanoTime() - began;
                } catch (RuntimeException e) {
                    breakFor(new StoreException("sync failed; the store accepts no more writes until restart", e));
                    failRound(round, broken);
                    return;
                }
                durableSeq = round.target;
                commits++;
                compactionDue = true;
                compactionStepsLeft = MAX_COMPACTION_STEPS;
                acknowledger.execute(round::succeed);
                observer.committed(round.acks.size(), round.commitNanos, syncNanos);
                releaseBarrierIfIdle();
            }
        } catch (RuntimeException | Error e) {
            breakFor(new StoreException("store committer died", e));
        } finally {
            failLeftovers();
        }
    }

    private void breakFor(StoreException failure) {
        broken = failure;
        log.error("{}: {}; refusing further writes", engine, failure.getMessage(), failure.getCause());
        // on a thread of its own: the handler may close the store, which waits for this committer
        Thread notify = new Thread(() -> onBroken.accept(failure), "store-broken");
        notify.setDaemon(true);
        notify.start();
    }

    /**
     * Waits for work, then takes it and commits under the lock. Returns null when the committer
     * should stop: closed with nothing left to try, or broken.
     */
    private Round takeRound() {
        writeLock.lock();
        try {
            while (true) {
                if (broken != null) {
                    return null;
                }
                long now = System.nanoTime();
                if (writeSeq != durableSeq) {
                    if (closed) {
                        // one last attempt on close, back-off or not; give up if that fails too
                        if (failedAfterClose) {
                            return null;
                        }
                        break;
                    }
                    if (!lastAttemptFailed || now - retryAt >= 0) {
                        break;
                    }
                    awaitNanos(retryAt - now);
                } else if (closed) {
                    return null;
                } else if (compactionDue && now - nextHousekeeping >= 0) {
                    housekeep();
                } else if (compactionDue) {
                    awaitNanos(nextHousekeeping - now);
                } else {
                    workArrived.awaitUninterruptibly();
                }
            }
            if (!closed && !lastAttemptFailed) {
                compactIntoThisCommit();
            }
            beforeCommit.run();
            Round round = new Round(writeSeq, batch, nextBarrier);
            batch = new ArrayList<>();
            nextBarrier = new CompletableFuture<>();
            try {
                long began = System.nanoTime();
                engine.commit();
                round.commitNanos = System.nanoTime() - began;
                lastAttemptFailed = false;
                commitFailing = false;
                retryNanos = 0;
            } catch (RuntimeException e) {
                commitFailing = true;
                if (!engine.usable()) {
                    // e.g. MVStore closes itself after a write error (a full disk): retrying cannot help
                    round.failure = new StoreException("commit failed and the engine closed itself: " + e.getMessage(), e);
                    breakFor(round.failure);
                    return round;
                }
                retryNanos = Math.min(Math.max(2 * retryNanos, MIN_RETRY_NANOS), MAX_RETRY_NANOS);
                retryAt = System.nanoTime() + retryNanos;
                lastAttemptFailed = true;
                failedAfterClose = closed;
                log.error("store commit failed for {}; failing {} writes, retrying in {} ms",
                        engine, round.acks.size(), TimeUnit.NANOSECONDS.toMillis(retryNanos), e);
                round.failure = new StoreException("commit failed: " + e.getMessage(), e);
            }
            return round;
        } finally {
            writeLock.unlock();
        }
    }

    private void awaitNanos(long nanos) {
        try {
            workArrived.awaitNanos(Math.max(nanos, 1));
        } catch (InterruptedException e) {
            // nobody interrupts the committer on purpose; closing is signalled through the condition
            log.debug("store committer interrupted; ignoring");
        }
    }

    /**
     * Compaction steps while nothing is pending, under the lock, for one time slice. Writers come
     * first: when one queues, stop and come back an interval later; when only the slice ran out, go
     * on after a short pause. Stops for good after a fixed number of steps until new commits come.
     */
    private void housekeep() {
        long sliceEnd = System.nanoTime() + HOUSEKEEPING_SLICE_NANOS;
        long pause = housekeepingIntervalNanos;
        try {
            while (true) {
                if (compactionStepsLeft == 0 || !engine.compactStep()) {
                    compactionDue = false;
                    break;
                }
                compactionStepsLeft--;
                if (writeLock.hasQueuedThreads()) {
                    break;
                }
                if (System.nanoTime() - sliceEnd >= 0) {
                    pause = HOUSEKEEPING_PAUSE_NANOS;
                    break;
                }
            }
        } catch (RuntimeException e) {
            compactionDue = false;
            log.warn("store compaction failed for {}", engine, e);
        }
        nextHousekeeping = System.nanoTime() + pause;
    }

    /**
     * Under sustained writes the store is never idle, so {@link #housekeep()} never runs. Instead, when
     * the pacer allows, a short step marks data for moving right before a regular commit: that commit
     * writes it with the pending writes, and its sync covers both. Still under the lock, so the commit
     * holds whole mutations only; the moved data is unchanged, so holding part of a step is harmless.
     */
    private void compactIntoThisCommit() {
        long start = System.nanoTime();
        if (!loadCompaction.stepDue(start)) {
            return;
        }
        try {
            int backlog = engine.reclaimBacklog();
            if (backlog <= 0) {
                loadCompaction.onTarget();
                return;
            }
            engine.compactIntoNextCommit(loadCompaction.budgetBytes());
            loadCompaction.stepDone(start, System.nanoTime(), backlog);
        } catch (RuntimeException e) {
            // a failed step leaves the data as it was; the commit that follows reports real trouble
            loadCompaction.failed(System.nanoTime());
            log.warn("store compaction under load failed for {}", engine, e);
        }
    }

    /**
     * A durable() caller may hold nextBarrier for writes the round just synced; with nothing new
     * pending no round would ever complete it.
     */
    private void releaseBarrierIfIdle() {
        if (writeSeq != durableSeq) {
            return; // the next round takes the barrier with it
        }
        CompletableFuture<Void> barrier = null;
        writeLock.lock();
        try {
            if (writeSeq == durableSeq) {
                barrier = nextBarrier;
                nextBarrier = new CompletableFuture<>();
            }
        } finally {
            writeLock.unlock();
        }
        if (barrier != null) {
            CompletableFuture<Void> released = barrier;
            acknowledger.execute(() -> released.complete(null));
        }
    }

    private static void failRound(Round round, StoreException failure) {
        for (Ack<?> ack : round.acks) {
            ack.future.completeExceptionally(failure);
        }
        round.barrier.completeExceptionally(failure);
    }

    /** On exit, nothing may wait forever: fail (or, if all is durable, release) what is left. */
    private void failLeftovers() {
        ArrayList<Ack<?>> left;
        CompletableFuture<Void> barrier;
        StoreException failure = broken;
        writeLock.lock();
        try {
            closed = closed || failure != null;
            if (failure == null && writeSeq != durableSeq) {
                failure = new StoreException("store closed before these writes were durable");
            }
            left = batch;
            batch = new ArrayList<>();
            barrier = nextBarrier;
            nextBarrier = failure == null ? DONE : CompletableFuture.failedFuture(failure);
        } finally {
            writeLock.unlock();
        }
        if (failure == null) {
            barrier.complete(null);
            return;
        }
        for (Ack<?> ack : left) {
            ack.future.completeExceptionally(failure);
        }
        barrier.completeExceptionally(failure);
    }

    /** One commit: what it covers and who waits for it. */
    private static final class Round {
        final long target;
        final ArrayList<Ack<?>> acks;
        final CompletableFuture<Void> barrier;
        StoreException failure;
        long commitNanos;

        Round(long target, ArrayList<Ack<?>> acks, CompletableFuture<Void> barrier) {
            this.target = target;
            this.acks = acks;
            this.barrier = barrier;
        }

        void succeed() {
            for (Ack<?> ack : acks) {
                ack.succeed();
            }
            barrier.complete(null);
        }
    }

    /** A write's future and the value to complete it with once durable. */
    private static final class Ack<T> {
        final CompletableFuture<T> future;
        final T value;

        Ack(CompletableFuture<T> future, T value) {
            this.future = future;
            this.value = value;
        }

        void succeed() {
            future.complete(value);
        }
    }
}
