package io.guildhall.runtime.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** The store contract on MVStore, plus what only MVStore has to prove. */
class MvStoreTest extends StoreContractTest {
    private static final int KIB = 1024;

    @Override
    String engine() {
        return Stores.MVSTORE;
    }

    @Override
    boolean splitsRanges() {
        return true;
    }

    private Path file() {
        return dir.resolve(Stores.MVSTORE_FILE);
    }

    /** The MVStore file plus the write-ahead log. */
    private long folderSize() throws java.io.IOException {
        // the log's spare segment is zeros kept ready, not data
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).filter(f -> !f.getFileName().toString().startsWith("spare"))
                    .mapToLong(f -> f.toFile().length()).sum();
        }
    }

    @Test
    void fileStaysSmallUnderManySmallOverwritingCommits() throws Exception {
        GroupCommitStore store = open();
        KvMap map = store.map("sessions");
        Random random = new Random(1);
        long largest = 0;
        int writes = 3000;
        for (int i = 0; i < writes; i++) {
            String key = "k" + random.nextInt(50);
            byte[] value = new byte[100];
            random.nextBytes(value);
            await(store.write(() -> {
                map.put(key, value);
                return null;
            }));
            if (i % 100 == 0) {
                largest = Math.max(largest, folderSize());
            }
        }
        largest = Math.max(largest, folderSize());
        System.out.printf("mvstore: %d one-write commits, file and log at most %d KiB%n", store.commitCount(), largest / KIB);
        assertTrue(store.commitCount() >= writes, "one commit per acknowledged sequential write");
        // MVStore's defaults (45 s chunk retention) would leave one ~16 KiB chunk per commit: ~48 MiB here
        assertTrue(largest < 2 * KIB * KIB, "file grew to " + largest / KIB + " KiB");
    }

    @Test
    void idleCompactionShrinksAFragmentedFile() throws Exception {
        GroupCommitStore store = GroupCommitStore.start(MvStoreEngine.open(file()), Duration.ofMillis(200));
        try {
            KvMap map = store.map("accounts");
            int keys = 10_000;
            await(store.write(() -> {
                for (int i = 0; i < keys; i++) {
                    map.put("k" + i, new byte[100]);
                }
                return null;
            }));
            // single-key updates spread over the whole map leave one live page in each old chunk
            Random random = new Random(2);
            long largest = 0;
            for (int i = 0; i < 1500; i++) {
                String key = "k" + random.nextInt(keys);
                await(store.write(() -> {
                    map.put(key, new byte[100]);
                    return null;
                }));
                largest = Math.max(largest, Files.size(file()));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            long size = Files.size(file());
            while (size > 2 * KIB * KIB && System.nanoTime() < deadline) {
                Thread.sleep(50);
                size = Files.size(file());
            }
            // without compaction the file stays at its peak (~8 MiB here): one live page per 16 KiB chunk
            System.out.printf("mvstore: ~1.2 MiB live; file peaked at %d KiB, %d KiB after idle compaction%n",
                    largest / KIB, size / KIB);
            assertTrue(size <= 2 * KIB * KIB, "file still " + size / KIB + " KiB after idling");
            assertEquals(keys, map.size());
        } finally {
            store.close();
        }
        assertEquals(10_000, open().map("accounts").size());
    }

    @Test
    void aLargeMutationIsNotCommittedHalfway() throws Exception {
        MvStoreEngine engine = MvStoreEngine.open(file());
        try {
            KvMap map = engine.openMap("m");
            engine.commit();
            engine.sync();
            long before = Files.size(file());
            // beyond MVStore's auto-commit buffer (at most 19 MiB of unsaved pages)
            byte[] value = new byte[KIB * KIB];
            for (int i = 0; i < 40; i++) {
                map.put("big" + i, value);
            }
            assertEquals(before, Files.size(file()), "MVStore wrote a version on its own");
        } finally {
            engine.close();
        }
    }

    @Test
    void anInterruptedReaderDoesNotBreakTheStore() throws Exception {
        GroupCommitStore store = open();
        KvMap map = store.map("m");
        await(store.write(() -> {
            for (int i = 0; i < 20_000; i++) {
                map.put("k" + i, ("v" + i).getBytes(UTF_8));
            }
            return null;
        }));
        store.close();

        GroupCommitStore reopened = open();
        KvMap cold = reopened.map("m");
        byte[] value;
        boolean stillInterrupted;
        Thread.currentThread().interrupt();
        try {
            value = cold.get("k12345"); // not cached yet: read from the file
        } finally {
            stillInterrupted = Thread.interrupted();
        }
        assertArrayEquals("v12345".getBytes(UTF_8), value);
        assertTrue(stillInterrupted, "the reader's interrupt flag is left alone");
        assertArrayEquals("v777".getBytes(UTF_8), cold.get("k777"));
        await(reopened.write(() -> {
            cold.put("after", new byte[1]);
            return null;
        }));
    }

    @Test
    void corruptFileIsReportedWithItsName() throws Exception {
        Files.write(file(), "this is not an MVStore file\n".repeat(1000).getBytes(UTF_8));
        StoreException e = assertThrows(StoreException.class, () -> Stores.open(Stores.MVSTORE, dir));
        assertTrue(e.getMessage().contains(file().toString()), e.getMessage());
    }

    @Test
    void acknowledgedWritesSurviveKill9() throws Exception {
        Path data = dir.resolve("crash");
        Process child = new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                StoreCrashChild.class.getName(), data.toString())
                .redirectErrorStream(true)
                .start();
        Set<String> acked = ConcurrentHashMap.newKeySet();
        List<String> other = new ArrayList<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.startsWith("ACK ")) {
                        acked.add(line.substring(4));
                    } else if (other.size() < 50) {
                        other.add(line);
                    }
                }
            } catch (Exception ignored) {
                // the child was killed
            }
        });
        reader.start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(8);
            while (acked.size() < 400 && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
            reader.join(5000);
        }
        assertTrue(acked.size() >= 100, "child acknowledged only " + acked.size() + " writes; output: " + other);

        GroupCommitStore store = Stores.open(Stores.MVSTORE, data);
        try {
            KvMap map = store.map("crash");
            for (String key : acked) {
                assertArrayEquals(key.getBytes(UTF_8), map.get(key), "acknowledged " + key + " lost");
            }
            System.out.printf("mvstore: %d acknowledged writes all present after kill -9 (%d keys on disk)%n",
                    acked.size(), map.size());
        } finally {
            store.close();
        }
    }
}
