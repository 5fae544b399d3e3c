package io.guildhall.runtime.store;

import static io.guildhall.runtime.store.CrashImages.value;
import static io.guildhall.runtime.store.CrashImages.write;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import org.h2.store.fs.Recorder;
import org.h2.store.fs.rec.FilePathRec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kill -9 at any moment, made deterministic: H2's recording file system logs every write the store
 * makes while a writer adds keys, pauses (so idle compaction moves chunks and shrinks the file), deletes
 * a range and adds more. Then the file as it stood after each write, and with only the first block of
 * each longer write (a write cut short by the kill), is opened as a fresh store: every write that was
 * acknowledged before that moment must be there.
 */
class MvStoreCrashPointTest {
    private static final int BLOCK = 4096;
    private static final int KEYS = 300;
    private static final int DELETED = 100;

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedWriteSurvivesACrashAfterAnyFileWrite() throws Exception {
        Path file = dir.resolve("recorded.mv.db");
        AtomicInteger acked = new AtomicInteger();
        Recording recording = new Recording(file.getFileName().toString(), acked);
        FilePathRec.register();
        FilePathRec.setRecorder(recording);
        List<String> keys = new ArrayList<>();
        try {
            GroupCommitStore store = GroupCommitStore.start(MvStoreEngine.open(file, "rec:async:"),
                    Duration.ofMillis(10));
            KvMap map = store.map("crash");
            Random random = new Random(7);
            for (int i = 0; i < KEYS; i++) {
                // random keys rewrite leaves all over the tree, so chunks die piecemeal and get compacted
                String key = Long.toHexString(random.nextLong());
                keys.add(key);
                write(store, acked, () -> map.put(key, value(key)));
                if (i == KEYS / 2) {
                    write(store, acked, () -> keys.subList(0, DELETED).forEach(map::remove));
                    Thread.sleep(400); // idle: housekeeping rewrites sparse chunks and moves them down
                }
            }
            store.close();
        } finally {
            FilePathRec.setRecorder(null);
        }
        assertTrue(recording.writes.size() > KEYS, "recorded " + recording.writes.size() + " writes");
        assertTrue(recording.writes.stream().anyMatch(w -> w.truncate), "idle compaction never shrank the file");

        byte[] image = new byte[0];
        int checked = 0;
        for (FileWrite write : recording.writes) {
            if (write.data != null && write.data.length > BLOCK) {
                checkRecovery(write.apply(image, BLOCK), write.ackedBefore, keys);
                checked++;
            }
            image = write.apply(image, Integer.MAX_VALUE);
            checkRecovery(image, write.ackedBefore, keys);
            checked++;
        }
        System.out.printf("mvstore: %d crash points, every acknowledged write recovered%n", checked);
    }

    /** Writes are acknowledged in order: the first {@code ackedBefore} of them must be in the image. */
    private void checkRecovery(byte[] image, int ackedBefore, List<String> keys) throws IOException {
        if (ackedBefore == 0) {
            return;
        }
        Path copy = dir.resolve("crashed.mv.db");
        Files.deleteIfExists(copy);
        Files.write(copy, image);
        MvStoreEngine engine;
        try {
            engine = MvStoreEngine.open(copy);
        } catch (RuntimeException e) {
            throw new AssertionError("store does not open after a crash with " + ackedBefore + " writes acked", e);
        }
        try {
            KvMap map = engine.openMap("crash");
            CrashImages.assertAcknowledgedWritesKept(map, keys, DELETED, ackedBefore, key -> { });
        } finally {
            engine.close();
        }
    }

    /** One write or truncation of the store file, with how many store writes were acknowledged before it. */
    private static final class FileWrite {
        final byte[] data;
        final long position;
        final boolean truncate;
        final int ackedBefore;

        FileWrite(byte[] data, long position, boolean truncate, int ackedBefore) {
            this.data = data;
            this.position = position;
            this.truncate = truncate;
            this.ackedBefore = ackedBefore;
        }

        /** The file after this write, or after only its first {@code limit} bytes. */
        byte[] apply(byte[] image, int limit) {
            return truncate ? CrashImages.truncated(image, position) : CrashImages.written(image, position, data, limit);
        }
    }

    /** Called by H2 right after each write (before each truncation), on the thread that made it. */
    private static final class Recording implements Recorder {
        final List<FileWrite> writes = new ArrayList<>();
        private final String fileName;
        private final AtomicInteger acked;

        Recording(String fileName, AtomicInteger acked) {
            this.fileName = fileName;
            this.acked = acked;
        }

        @Override
        public synchronized void log(int op, String name, byte[] data, long x) {
            if (!name.endsWith(fileName)) {
                return;
            }
            // a write is acknowledged only after its commit's sync, which comes after its file writes
            if (op == Recorder.WRITE) {
                // H2 may reuse the buffer once the call returns
                writes.add(new FileWrite(data.clone(), x, false, acked.get()));
            } else if (op == Recorder.TRUNCATE) {
                writes.add(new FileWrite(null, x, true, acked.get()));
            }
        }
    }
}
