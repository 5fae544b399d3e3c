package io.guildhall.runtime.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What every engine must do; one subclass per engine. */
@Timeout(30)
abstract class StoreContractTest {
    @TempDir
    Path dir;

    private final List<GroupCommitStore> opened = new ArrayList<>();

    abstract String engine();

    GroupCommitStore open() {
        GroupCommitStore store = Stores.open(engine(), dir);
        opened.add(store);
        return store;
    }

    @AfterEach
    void closeAll() {
        opened.forEach(GroupCommitStore::close);
    }

    static byte[] bytes(String s) {
        return s.getBytes(UTF_8);
    }

    static <T> T await(CompletableFuture<T> future) throws Exception {
        return future.get(10, TimeUnit.SECONDS);
    }

    @Test
    void floorKeyAndRangeScansFollowKeyOrder() throws Exception {
        GroupCommitStore store = open();
        KvMap map = store.map("ranges");
        await(store.write(() -> {
            for (String key : List.of("a|1", "a|3", "a|5", "b|2", "c")) {
                map.put(key, bytes(key));
            }
            return null;
        }));
        assertEquals("a|3", map.floorKey("a|4"));
        assertEquals("a|5", map.floorKey("a|5"));
        assertEquals("a|5", map.floorKey("a|\uffff"));
        assertNull(map.floorKey("a"));
        List<String> seen = new ArrayList<>();
        map.scan("a|", "a|\uffff", (k, v) -> {
            assertArrayEquals(bytes(k), v);
            return seen.add(k);
        });
        assertEquals(List.of("a|1", "a|3", "a|5"), seen);
        seen.clear();
        map.scan("a|", "z", (k, v) -> seen.add(k) && seen.size() < 2);
        assertEquals(List.of("a|1", "a|3"), seen, "the visitor stops the scan");
        seen.clear();
        map.scan("d", "z", (k, v) -> seen.add(k));
        assertTrue(seen.isEmpty());
    }

    /** Whether the engine cuts a map into ranges for parallel scans ({@link KvMap#splitKeys}). */
    abstract boolean splitsRanges();

    @Test
    void splitKeysCutTheMapIntoRangesThatCoverItOnce() throws Exception {
        GroupCommitStore store = open();
        KvMap map = store.map("split");
        await(store.write(() -> {
            for (int i = 0; i < 1000; i++) {
                map.put(String.format("k%04d", i), bytes("v"));
            }
            return null;
        }));
        List<String> cuts = map.splitKeys(4);
        assertEquals(splitsRanges() ? 3 : 0, cuts.size(), cuts.toString());
        List<String> bounds = new ArrayList<>(List.of(""));
        bounds.addAll(cuts);
        bounds.add("\uffff");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i + 1 < bounds.size(); i++) {
            List<String> range = new ArrayList<>();
            map.scan(bounds.get(i), bounds.get(i + 1), (k, v) -> range.add(k));
            assertTrue(range.size() >= 200 && range.size() <= 1000, "range " + i + " holds " + range.size());
            seen.addAll(range);
        }
        assertEquals(1000, seen.size());
        assertEquals(1000, new java.util.TreeSet<>(seen).size(), "every entry in exactly one range");
        assertTrue(store.map("empty").splitKeys(4).isEmpty(), "an empty map is one range");
    }

    @Test
    void putGetRemoveContainsSizeForEach() throws Exception {
        GroupCommitStore store = open();
        KvMap map = store.map("users");
        assertNull(map.get("a"));
        assertFalse(map.containsKey("a"));
        assertEquals(0, map.size());

        await(store.write(() -> {
            map.put("b", bytes("2"));
            map.put("a", bytes("1"));
            map.put("c", bytes("3"));
            return null;
        }));
        assertArrayEquals(bytes("1"), map.get("a"));
        assertTrue(map.containsKey("b"));
        assertEquals(3, map.size());

        await(store.write(() -> {
            map.remove("b");
            map.put("c", bytes("33"));
            return null;
        }));
        assertFalse(map.containsKey("b"));
        assertArrayEquals(bytes("33"), map.get("c"));

        Map<String, String> seen = new LinkedHashMap<>();
        map.forEach((k, v) -> seen.put(k, new String(v, UTF_8)));
        assertEquals(List.of("a", "c"), List.copyOf(seen.keySet()), "key order");
        assertEquals(Map.of("a", "1", "c", "33"), seen);
        assertSame(map, store.map("users"));
    }

    @Test
    void prefixReadsVisitExactlyTheKeysWithThePrefixInOrder() throws Exception {
        GroupCommitStore store = open();
        KvMap map = store.map("prefixed");
        await(store.write(() -> {
            for (String key : List.of("u1|b", "u1", "u1|a", "u10|a", "u1}", "u0|z", "u1|\uffee")) {
                map.put(key, bytes(key));
            }
            return null;
        }));
        List<String> seen = new java.util.ArrayList<>();
        map.forEachWithPrefix("u1|", (k, v) -> seen.add(k + "=" + new String(v, UTF_8)));
        assertEquals(List.of("u1|a=u1|a", "u1|b=u1|b", "u1|\uffee=u1|\uffee"), seen);
        List<String> none = new java.util.ArrayList<>();
        map.forEachWithPrefix("u2|", (k, v) -> none.add(k));
        assertEquals(List.of(), none);
    }

    @Test
    void mapsAreIndependentAndSurviveReopen() throws Exception {
        GroupCommitStore store = open();
        KvMap users = store.map("users");
        KvMap tokens = store.map("tokens");
        await(store.write(() -> {
            users.put("k", bytes("user"));
            tokens.put("k", bytes("token"));
            tokens.put("only-tokens", new byte[0]);
            return null;
        }));
        assertEquals(1, users.size());
        assertEquals(2, tokens.size());
        store.close();

        GroupCommitStore again = open();
        assertArrayEquals(bytes("user"), again.map("users").get("k"));
        assertArrayEquals(bytes("token"), again.map("tokens").get("k"));
        assertArrayEquals(new byte[0], again.map("tokens").get("only-tokens"));
        assertFalse(again.map("users").containsKey("only-tokens"));
        assertEquals(0, again.map("never-written").size());
    }

    @Test
    void writeCompletesWithTheMutationResultOnceCommitted() throws Exception {
        GroupCommitStore store = open();
        KvMap map = store.map("m");
        assertEquals("done", await(store.write(() -> {
            map.put("x", bytes("1"));
            return "done";
        })));
        assertTrue(store.commitCount() >= 1);
        assertEquals(1, store.writeCount());
        assertTrue(store.durable().isDone(), "nothing pending after the ack");
    }

    @Test
    void throwingMutationFailsOnlyItsOwnFuture() throws Exception {
        GroupCommitStore store = open();
        KvMap map = store.map("m");
        IllegalArgumentException invalid = new IllegalArgumentException("bad input");
        CompletableFuture<String> before = store.write(() -> {
            map.put("before", bytes("1"));
            return "before";
        });
        CompletableFuture<String> failed = store.write(() -> {
            throw invalid;
        });
        CompletableFuture<String> after = store.write(() -> {
            map.put("after", bytes("2"));
            return "after";
        });

        assertTrue(failed.isCompletedExceptionally(), "fails at once, before any commit");
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(failed));
        assertSame(invalid, e.getCause());
        assertEquals("before", await(before));
        assertEquals("after", await(after));
        assertEquals(2, store.writeCount());
        store.close();

        KvMap reopened = open().map("m");
        assertTrue(reopened.containsKey("before"));
        assertTrue(reopened.containsKey("after"));
    }

    @Test
    void readersDoNotWaitForTheWriteLock() throws Exception {
        GroupCommitStore store = open();
        KvMap map = store.map("m");
        await(store.write(() -> {
            map.put("k", bytes("v"));
            return null;
        }));
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<CompletableFuture<Object>> slowWrite = pool.submit(() -> store.write(() -> {
                inside.countDown();
                awaitLatch(release);
                return null;
            }));
            assertTrue(inside.await(5, TimeUnit.SECONDS));
            assertArrayEquals(bytes("v"), map.get("k"), "read while a writer holds the lock");
            assertEquals(1, map.size());
            release.countDown();
            await(slowWrite.get(5, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentWritersShareCommits() throws Exception {
        int threads = 16;
        int perThread = 100;
        GroupCommitStore store = open();
        KvMap map = store.map("m");
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> workers = new ArrayList<>();
        try {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                workers.add(pool.submit(() -> {
                    awaitLatch(start);
                    for (int i = 0; i < perThread; i++) {
                        String key = thread + "-" + i;
                        // each writer waits for its ack, as a request handler would
                        store.write(() -> {
                            map.put(key, bytes(key));
                            return null;
                        }).join();
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> worker : workers) {
                worker.get(20, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long writes = store.writeCount();
        long commits = store.commitCount();
        System.out.printf("%s: %d writes in %d commits%n", engine(), writes, commits);
        assertEquals(threads * perThread, writes);
        assertTrue(commits < writes / 2, commits + " commits for " + writes + " writes: commits are not shared");
        store.close();

        KvMap reopened = open().map("m");
        assertEquals(threads * perThread, reopened.size());
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < perThread; i++) {
                String key = t + "-" + i;
                assertArrayEquals(bytes(key), reopened.get(key), key);
            }
        }
    }

    @Test
    void durableIsABarrierForEarlierWrites() throws Exception {
        GroupCommitStore store = open();
        KvMap map = store.map("m");
        CompletableFuture<Void> idle = store.durable();
        assertTrue(idle.isDone());
        assertSame(idle, store.durable(), "fast path allocates nothing");

        List<CompletableFuture<Integer>> writes = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            int n = i;
            writes.add(store.write(() -> {
                map.put("k" + n, bytes("v"));
                return n;
            }));
        }
        await(store.durable());
        for (CompletableFuture<Integer> write : writes) {
            assertTrue(write.isDone() && !write.isCompletedExceptionally());
        }
        assertTrue(store.durable().isDone());
    }

    @Test
    void closeFlushesPendingWritesAndRefusesNewOnes() throws Exception {
        GroupCommitStore store = open();
        KvMap map = store.map("m");
        List<CompletableFuture<Integer>> writes = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            int n = i;
            writes.add(store.write(() -> {
                map.put("k" + n, bytes(Integer.toString(n)));
                return n;
            }));
        }
        store.close();
        for (CompletableFuture<Integer> write : writes) {
            assertTrue(write.isDone() && !write.isCompletedExceptionally(), "acknowledged by close");
        }
        CompletableFuture<Object> late = store.write(() -> "too late");
        ExecutionException e = assertThrows(ExecutionException.class, () -> await(late));
        assertTrue(e.getCause() instanceof StoreException);
        assertEquals("store is closed", e.getCause().getMessage());
        assertTrue(store.durable().isDone());
        store.close(); // twice is harmless

        KvMap reopened = open().map("m");
        assertEquals(500, reopened.size());
        assertArrayEquals(bytes("499"), reopened.get("k499"));
    }

    @Test
    void valuesAreNotSharedWithTheCaller() throws Exception {
        GroupCommitStore store = open();
        KvMap map = store.map("m");
        byte[] value = bytes("abc");
        await(store.write(() -> {
            map.put("k", value);
            return null;
        }));
        value[0] = 'X';
        map.get("k")[1] = 'Y';
        assertArrayEquals(bytes("abc"), map.get("k"));
    }

    static void awaitLatch(CountDownLatch latch) {
        try {
            if (!latch.await(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("latch timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
