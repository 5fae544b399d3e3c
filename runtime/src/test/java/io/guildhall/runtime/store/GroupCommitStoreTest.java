package io.guildhall.runtime.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The group-commit machinery over an in-memory engine whose commit and sync can stall or fail. */
@Timeout(20)
class GroupCommitStoreTest {
    private final FakeEngine engine = new FakeEngine();
    private final GroupCommitStore store = GroupCommitStore.start(engine, Duration.ofHours(1));

    @AfterEach
    void close() {
        engine.syncGate = null;
        store.close();
    }

    private CompletableFuture<String> put(String key) {
        KvMap map = store.map("m");
        return store.write(() -> {
            map.put(key, new byte[] {1});
            return key;
        });
    }

    @Test
    void writesFromRefusedThreadsFailBeforeTakingTheLock() throws Exception {
        Thread test = Thread.currentThread();
        store.refuseWritesFrom(thread -> thread == test);
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> put("a"));
        assertTrue(refused.getMessage().contains(test.getName()), refused.getMessage());
        assertFalse(engine.committed.containsKey("m/a"));
        // any other thread still writes
        CompletableFuture<CompletableFuture<String>> elsewhere = new CompletableFuture<>();
        new Thread(() -> elsewhere.complete(put("b"))).start();
        assertEquals("b", elsewhere.get(5, TimeUnit.SECONDS).get(5, TimeUnit.SECONDS));
    }

    @Test
    void writeIsAcknowledgedOnlyAfterSync() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        engine.syncGate = gate;
        CompletableFuture<String> write = put("a");
        assertTrue(engine.syncStarted.await(5, TimeUnit.SECONDS));
        CompletableFuture<Void> barrier = store.durable();
        assertFalse(write.isDone(), "acknowledged before sync finished");
        assertFalse(barrier.isDone());
        assertTrue(engine.committed.containsKey("m/a"), "committed before the sync");

        gate.countDown();
        assertEquals("a", write.get(5, TimeUnit.SECONDS));
        barrier.get(5, TimeUnit.SECONDS);
    }

    @Test
    void writersGoOnWhileTheCommitterSyncs() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        engine.syncGate = gate;
        CompletableFuture<String> first = put("a");
        assertTrue(engine.syncStarted.await(5, TimeUnit.SECONDS));
        CompletableFuture<String> second = put("b"); // returns at once although a sync is in progress
        assertFalse(second.isDone());
        gate.countDown();
        first.get(5, TimeUnit.SECONDS);
        second.get(5, TimeUnit.SECONDS);
    }

    @Test
    void failedCommitFailsItsWritesAndTheNextCommitSucceeds() throws Exception {
        RuntimeException diskFull = new IllegalStateException("disk full");
        engine.commitFailures.set(1);
        engine.commitFailure = diskFull;
        CompletableFuture<String> failed = put("a");
        ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof StoreException, e.toString());
        assertSame(diskFull, e.getCause().getCause());

        assertEquals("b", put("b").get(5, TimeUnit.SECONDS));
        store.durable().get(5, TimeUnit.SECONDS);
        // the retried commit also carried the failed write's data, which stayed in memory
        assertTrue(engine.committed.containsKey("m/a"));
        assertTrue(engine.committed.containsKey("m/b"));
    }

    @Test
    void afterAFailedCommitAWriteIsNotAcknowledgedByAnEarlierRound() throws Exception {
        engine.commitFailures.set(1);
        engine.commitFailure = new IllegalStateException("disk full");
        assertThrows(ExecutionException.class, () -> put("a").get(5, TimeUnit.SECONDS));

        CountDownLatch gate = new CountDownLatch(1);
        engine.syncGate = gate;
        engine.syncStarted = new CountDownLatch(1);
        CompletableFuture<String> b = put("b");
        assertTrue(engine.syncStarted.await(5, TimeUnit.SECONDS));
        // written while b's round syncs: it belongs to the next commit, not to b's
        CompletableFuture<Boolean> cWasCommittedWhenAcked = put("c")
                .thenApply(key -> engine.committed.containsKey("m/c"));
        gate.countDown();
        b.get(5, TimeUnit.SECONDS);
        assertTrue(cWasCommittedWhenAcked.get(5, TimeUnit.SECONDS), "c acknowledged before it was committed");
    }

    @Test
    void everyAcknowledgedWriteWasCommittedFirstEvenWithFailingCommits() throws Exception {
        engine.commitFailure = new IllegalStateException("flaky disk");
        engine.failEveryNthCommit = 7;
        int threads = 8;
        int perThread = 150;
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger ackedUncommitted = new AtomicInteger();
        Thread[] writers = new Thread[threads];
        for (int t = 0; t < threads; t++) {
            int thread = t;
            writers[t] = new Thread(() -> {
                for (int i = 0; i < perThread; i++) {
                    String key = thread + "-" + i;
                    try {
                        put(key).thenAccept(k -> {
                            if (!engine.committed.containsKey("m/" + k)) {
                                ackedUncommitted.incrementAndGet();
                            }
                        }).join();
                        acked.incrementAndGet();
                    } catch (RuntimeException e) {
                        failed.incrementAndGet();
                    }
                }
            });
            writers[t].start();
        }
        for (Thread writer : writers) {
            writer.join(15_000);
        }
        assertEquals(threads * perThread, acked.get() + failed.get());
        assertTrue(failed.get() > 0, "no commit failed: the test exercised nothing");
        assertEquals(0, ackedUncommitted.get(), "writes acknowledged before their commit");
        engine.failEveryNthCommit = 0;
        assertEquals("last", put("last").get(5, TimeUnit.SECONDS), "the store still works");
    }

    @Test
    void failedSyncIsFatal() throws Exception {
        engine.syncFailure = new IllegalStateException("EIO");
        CompletableFuture<String> failed = put("a");
        ExecutionException e = assertThrows(ExecutionException.class, () -> failed.get(5, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof StoreException);
        engine.syncFailure = null;

        CompletableFuture<String> later = put("b");
        assertTrue(later.isCompletedExceptionally(), "no writes after a failed fsync");
        assertThrows(ExecutionException.class, () -> store.durable().get(5, TimeUnit.SECONDS));
    }

    @Test
    void barrierHandedOutDuringASyncIsReleased() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        engine.syncGate = gate;
        CompletableFuture<String> write = put("a");
        assertTrue(engine.syncStarted.await(5, TimeUnit.SECONDS));
        CompletableFuture<Void> barrier = store.durable(); // taken while the round holding "a" syncs
        gate.countDown();
        write.get(5, TimeUnit.SECONDS);
        barrier.get(5, TimeUnit.SECONDS); // would hang if nothing released the next barrier
    }

    @Test
    void closeFromAFutureCallbackIsRefused() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        engine.syncGate = gate; // so the callback is attached before completion and runs on the committer
        CompletableFuture<Throwable> seen = new CompletableFuture<>();
        put("a").whenComplete((v, t) -> {
            try {
                store.close();
                seen.complete(null);
            } catch (Throwable e) {
                seen.complete(e);
            }
        });
        gate.countDown();
        assertTrue(seen.get(5, TimeUnit.SECONDS) instanceof IllegalStateException);
    }

    @Test
    void closeWaitsForTheSyncInProgress() throws Exception {
        CountDownLatch gate = new CountDownLatch(1);
        engine.syncGate = gate;
        CompletableFuture<String> write = put("a");
        assertTrue(engine.syncStarted.await(5, TimeUnit.SECONDS));
        Thread closer = new Thread(store::close);
        closer.start();
        closer.join(200);
        assertTrue(closer.isAlive(), "close returned while a sync was in progress");
        gate.countDown();
        closer.join(5000);
        assertEquals("a", write.getNow(null));
        assertTrue(engine.closed);
    }

    @Test
    void underSustainedWritesCompactionRidesOnTheNextRegularCommit() throws Exception {
        engine.backlog = 20;
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
        CompletableFuture<String> last = null;
        for (int i = 0; System.nanoTime() < end; i++) {
            last = put("k" + i % 100); // never waits: the store is never idle
        }
        last.get(5, TimeUnit.SECONDS);
        String[] trace = engine.trace.toArray(new String[0]);
        int steps = 0;
        for (int i = 0; i < trace.length; i++) {
            if (trace[i].equals("compact")) {
                steps++;
                // no sync in between: the step's pages go into that commit, under the same lock hold
                assertEquals("commit", trace[i + 1], "step not followed by its commit");
            }
        }
        assertTrue(steps > 0, "no compaction while writes kept coming");
    }

    @Test
    void noCompactionUnderLoadWhenTheEngineIsOnTarget() throws Exception {
        for (int i = 0; i < 200; i++) {
            put("k" + i % 10);
        }
        put("last").get(5, TimeUnit.SECONDS);
        assertFalse(engine.trace.contains("compact"));
    }

    /** Keeps maps in memory; "committed" records what a commit would have persisted. */
    static final class FakeEngine implements StoreEngine {
        final Map<String, byte[]> committed = new ConcurrentHashMap<>();
        final Map<String, ConcurrentSkipListMap<String, byte[]>> maps = new ConcurrentHashMap<>();
        final AtomicInteger commitFailures = new AtomicInteger();
        volatile RuntimeException commitFailure;
        volatile int failEveryNthCommit;
        final AtomicInteger commits = new AtomicInteger();
        volatile RuntimeException syncFailure;
        volatile CountDownLatch syncGate;
        volatile CountDownLatch syncStarted = new CountDownLatch(1);
        volatile boolean closed;
        /** What compaction under load should aim for: 0 means on target. */
        volatile int backlog;
        /** Compaction steps, commits and syncs in the order they ran. */
        final Queue<String> trace = new ConcurrentLinkedQueue<>();

        @Override
        public KvMap openMap(String name) {
            ConcurrentSkipListMap<String, byte[]> map = maps.computeIfAbsent(name, n -> new ConcurrentSkipListMap<>());
            return new KvMap() {
                @Override
                public byte[] get(String key) {
                    return map.get(key);
                }

                @Override
                public boolean containsKey(String key) {
                    return map.containsKey(key);
                }

                @Override
                public void put(String key, byte[] value) {
                    map.put(key, value);
                }

                @Override
                public void remove(String key) {
                    map.remove(key);
                }

                @Override
                public void forEach(BiConsumer<String, byte[]> action) {
                    map.forEach(action);
                }

                @Override
                public void forEachWithPrefix(String prefix, BiConsumer<String, byte[]> action) {
                    map.forEach((key, value) -> {
                        if (key.startsWith(prefix)) {
                            action.accept(key, value);
                        }
                    });
                }

                @Override
                public long size() {
                    return map.size();
                }

                @Override
                public String floorKey(String key) {
                    return map.floorKey(key);
                }

                @Override
                public void scan(String from, String to, java.util.function.BiPredicate<String, byte[]> visitor) {
                    for (var entry : map.subMap(from, to).entrySet()) {
                        if (!visitor.test(entry.getKey(), entry.getValue())) {
                            return;
                        }
                    }
                }
            };
        }

        @Override
        public int reclaimBacklog() {
            return backlog;
        }

        @Override
        public void compactIntoNextCommit(int budgetBytes) {
            trace.add("compact");
        }

        @Override
        public void commit() {
            trace.add("commit");
            int n = commits.incrementAndGet();
            if (commitFailures.getAndUpdate(left -> Math.max(0, left - 1)) > 0
                    || failEveryNthCommit > 0 && n % failEveryNthCommit == 0) {
                throw commitFailure;
            }
            maps.forEach((name, map) -> map.forEach((k, v) -> committed.put(name + "/" + k, v)));
        }

        @Override
        public void sync() {
            trace.add("sync");
            syncStarted.countDown();
            CountDownLatch gate = syncGate;
            if (gate != null) {
                StoreContractTest.awaitLatch(gate);
            }
            RuntimeException failure = syncFailure;
            if (failure != null) {
                throw failure;
            }
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
