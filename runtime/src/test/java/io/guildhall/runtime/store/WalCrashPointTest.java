package io.guildhall.runtime.store;

import static io.guildhall.runtime.store.CrashImages.value;
import static java.nio.charset.StandardCharsets.UTF_8;
import static io.guildhall.runtime.store.CrashImages.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.h2.store.fs.Recorder;
import org.h2.store.fs.rec.FilePathRec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kill -9 at any moment of the store with its write-ahead log, made deterministic: H2's recording
 * file system logs every write, truncation and deletion of the MVStore file and of the log segments
 * while a writer adds keys (each write puts one key in two maps, as a sign-up writes a record and an
 * index), deletes a range, idles and adds more, with checkpoints every few KiB of log so that
 * segments rotate, checkpoints run beside the writes, and old segments are deleted. Then the data
 * folder as it stood after each file operation, and with only part of each write (the start of a
 * chunk, a log frame cut anywhere), is opened as a fresh store: every acknowledged write must be
 * there, and every write that is there must be whole.
 */
@Timeout(300)
class WalCrashPointTest {
    private static final int KEYS = 200;
    private static final int DELETED = 60;
    private static final int BLOCK = 4096;
    private static final int BULK = 200;

    @TempDir
    Path dir;
    /** Where crashed images are opened: in memory when the machine has it (fsync is then free). */
    private Path scratch;

    @org.junit.jupiter.api.BeforeEach
    void scratch() throws IOException {
        Path shm = Path.of("/dev/shm");
        scratch = Files.isDirectory(shm) && Files.isWritable(shm) ? Files.createTempDirectory(shm, "wal-crash") : dir;
    }

    @org.junit.jupiter.api.AfterEach
    void dropScratch() throws IOException {
        if (!scratch.equals(dir)) {
            try (Stream<Path> walk = Files.walk(scratch)) {
                walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    @Test
    void everyAcknowledgedWriteSurvivesACrashAfterAnyFileOperation() throws Exception {
        Path data = dir.resolve("recorded");
        AtomicInteger acked = new AtomicInteger();
        Recording recording = new Recording(data.toAbsolutePath().toString(), acked);
        FilePathRec.register();
        FilePathRec.setRecorder(recording);
        List<String> keys = new ArrayList<>();
        long checkpoints;
        try {
            WalEngine engine = WalEngine.open(data, "rec:async:",
                    new WalEngine.Settings(4 << 10, Duration.ofMillis(50), 64 << 20));
            GroupCommitStore store = GroupCommitStore.start(engine, Duration.ofMillis(10));
            KvMap map = store.map("crash");
            KvMap index = store.map("index");
            // Beside the acknowledged writer, large mutations (BULK puts into each of two maps) hold the
            // write lock a good share of the time, so checkpoints, which run without it, catch some midway.
            KvMap bulk = store.map("bulk");
            KvMap bulkIndex = store.map("bulk-index");
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread bulkWriter = new Thread(() -> {
                for (int batch = 0; !stop.get(); batch++) {
                    int b = batch;
                    store.write(() -> {
                        for (int i = 0; i < BULK; i++) {
                            bulk.put(b + "-" + i, new byte[24]);
                        }
                        for (int i = 0; i < BULK; i++) {
                            bulkIndex.put(b + "-" + i, new byte[8]);
                        }
                        return null;
                    });
                    try {
                        Thread.sleep(25);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "bulk-writer");
            bulkWriter.start();
            Random random = new Random(7);
            for (int i = 0; i < KEYS; i++) {
                // random keys rewrite leaves all over the tree, so chunks die piecemeal and get compacted
                String key = Long.toHexString(random.nextLong());
                keys.add(key);
                write(store, acked, () -> {
                    map.put(key, value(key));
                    index.put(key, key.getBytes(UTF_8));
                });
                if (i == KEYS / 2) {
                    write(store, acked, () -> keys.subList(0, DELETED).forEach(k -> {
                        map.remove(k);
                        index.remove(k);
                    }));
                    Thread.sleep(400); // idle: a checkpoint, then space reclamation
                }
                if (i % 20 == 0) {
                    Thread.sleep(120); // lets the checkpointer (polling every 100 ms) run beside the writes
                }
            }
            stop.set(true);
            bulkWriter.join();
            checkpoints = engine.checkpointCount();
            store.close();
        } finally {
            FilePathRec.setRecorder(null);
        }
        assertTrue(checkpoints >= 5, "only " + checkpoints + " checkpoints");
        assertTrue(recording.ops.stream().anyMatch(op -> op.delete || op.renamedTo != null),
                "no log segment was ever deleted or recycled");
        assertTrue(recording.ops.stream().anyMatch(op -> op.renamedTo != null && op.file.endsWith("spare.wal")),
                "no spare segment was ever put in place");
        assertTrue(recording.ops.stream().anyMatch(op -> op.file.endsWith(".wal") && op.data != null),
                "nothing written to the log");

        long start = System.nanoTime();
        Map<String, byte[]> files = new LinkedHashMap<>();
        int checked = 0;
        for (FileOp op : recording.ops) {
            if (op.data != null && op.data.length > 1) {
                for (int cut : cuts(op)) {
                    Map<String, byte[]> torn = new LinkedHashMap<>(files);
                    op.apply(torn, cut);
                    checkRecovery(torn, op.ackedBefore, keys);
                    checked++;
                }
            }
            op.apply(files, Integer.MAX_VALUE);
            checkRecovery(files, op.ackedBefore, keys);
            checked++;
        }
        System.out.printf("mvstore with write-ahead log: %d file operations, %d checkpoints, %d crash points"
                + " checked in %d s, every acknowledged write recovered whole%n", recording.ops.size(), checkpoints,
                checked, (System.nanoTime() - start) / 1_000_000_000L);
    }

    /** Where a write may be cut short: anywhere in a log frame; at the first block of a longer MVStore write. */
    private static int[] cuts(FileOp op) {
        int length = op.data.length;
        if (op.file.endsWith(".wal")) {
            // WriteAheadLogTest cuts a log at every byte; here one cut per write keeps the run short
            return new int[] {length / 2};
        }
        return length > BLOCK ? new int[] {BLOCK} : new int[0];
    }

    /** Writes are acknowledged in order: the first {@code ackedBefore} of them must be in the image. */
    private void checkRecovery(Map<String, byte[]> files, int ackedBefore, List<String> keys) throws IOException {
        if (ackedBefore == 0) {
            return;
        }
        Path copy = scratch.resolve("crashed");
        if (Files.exists(copy)) {
            try (Stream<Path> walk = Files.walk(copy)) {
                walk.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        Files.createDirectories(copy);
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path to = copy.resolve(file.getKey());
            Files.createDirectories(to.getParent());
            Files.write(to, file.getValue());
        }
        WalEngine engine;
        try {
            engine = WalEngine.open(copy, "async:", WalEngine.Settings.DEFAULTS);
        } catch (RuntimeException e) {
            throw new AssertionError("store does not open after a crash with " + ackedBefore + " writes acked", e);
        }
        try {
            KvMap map = engine.openMap("crash");
            KvMap index = engine.openMap("index");
            CrashImages.assertAcknowledgedWritesKept(map, keys, DELETED, ackedBefore,
                    key -> assertNull(index.get(key), "delete of " + key + " torn with " + ackedBefore + " acked"));
            // written but not acknowledged: there or not, but whole
            for (String key : keys) {
                assertEquals(map.containsKey(key), index.containsKey(key), "half a write of " + key);
            }
            // every bulk write adds BULK new keys to each map: anything else is part of one
            long bulk = engine.openMap("bulk").size();
            long bulkIndex = engine.openMap("bulk-index").size();
            if (bulk != bulkIndex || bulk % BULK != 0) {
                fail("a bulk write is only partly there: " + bulk + " and " + bulkIndex + " keys, with "
                        + ackedBefore + " acked");
            }
        } finally {
            engine.close();
        }
    }

    /** One write, truncation or deletion of a file of the data folder, and how many writes were acknowledged before it. */
    private static final class FileOp {
        final String file;
        final byte[] data;
        final long position;
        final boolean truncate;
        final boolean delete;
        final int ackedBefore;
        /** For a rename: the new name. */
        final String renamedTo;

        FileOp(String file, byte[] data, long position, boolean truncate, boolean delete, int ackedBefore) {
            this(file, data, position, truncate, delete, ackedBefore, null);
        }

        FileOp(String file, byte[] data, long position, boolean truncate, boolean delete, int ackedBefore,
               String renamedTo) {
            this.file = file;
            this.data = data;
            this.position = position;
            this.truncate = truncate;
            this.delete = delete;
            this.ackedBefore = ackedBefore;
            this.renamedTo = renamedTo;
        }

        /** The folder after this operation, or after only the first {@code limit} bytes of a write. */
        void apply(Map<String, byte[]> files, int limit) {
            if (renamedTo != null) {
                byte[] moved = files.remove(file);
                if (moved != null) {
                    files.put(renamedTo, moved);
                }
                return;
            }
            if (delete) {
                files.remove(file);
                return;
            }
            byte[] image = files.getOrDefault(file, new byte[0]);
            files.put(file, truncate ? CrashImages.truncated(image, position) : CrashImages.written(image, position, data, limit));
        }
    }

    /** Called by H2 right after each write (before each truncation or deletion), on the thread that made it. */
    private static final class Recording implements Recorder {
        final List<FileOp> ops = new ArrayList<>();
        private final String prefix;
        private final AtomicInteger acked;

        Recording(String folder, AtomicInteger acked) {
            this.prefix = folder + "/";
            this.acked = acked;
        }

        @Override
        public synchronized void log(int op, String name, byte[] data, long x) {
            String path = name.startsWith("rec:") ? name.substring(4) : name;
            path = path.startsWith("async:") ? path.substring(6) : path;
            if (!path.startsWith(prefix)) {
                return;
            }
            String file = path.substring(prefix.length());
            // a write is acknowledged only after its commit's sync, which comes after its file writes
            if (op == Recorder.WRITE) {
                ops.add(new FileOp(file, data.clone(), x, false, false, acked.get()));
            } else if (op == Recorder.TRUNCATE) {
                ops.add(new FileOp(file, null, x, true, false, acked.get()));
            } else if (op == Recorder.DELETE) {
                ops.add(new FileOp(file, null, 0, false, true, acked.get()));
            } else if (op == Recorder.RENAME) {
                // "async:/from:async:/to" (a spare log segment put in place, or a deleted one kept as spare)
                int split = path.indexOf(":async:");
                String to = path.substring(split + ":async:".length());
                ops.add(new FileOp(file.substring(0, split - prefix.length()), null, 0, false, false, acked.get(),
                        to.substring(prefix.length())));
            }
        }
    }
}
