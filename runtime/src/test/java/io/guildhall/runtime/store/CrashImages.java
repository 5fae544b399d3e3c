package io.guildhall.runtime.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the crash-point tests share: acknowledged writes counted as they are acknowledged, the values
 * they write, and a file's bytes after a recorded write or truncation (whole, or cut short as a
 * crash in the middle of the write leaves it).
 */
final class CrashImages {
    private CrashImages() {
    }

    /** Runs one store write and counts it once acknowledged (after the sync of its commit). */
    static void write(GroupCommitStore store, AtomicInteger acked, Runnable mutation) {
        store.write(() -> {
            mutation.run();
            return null;
        }).thenRun(acked::incrementAndGet).join();
    }

    /** The value the tests store under a key: recognisable, and long enough to span pages. */
    static byte[] value(String key) {
        return (key + ":" + "v".repeat(80)).getBytes(UTF_8);
    }

    /** The file after writing the first {@code limit} bytes of {@code data} at {@code position}. */
    static byte[] written(byte[] image, long position, byte[] data, int limit) {
        int length = Math.min(limit, data.length);
        byte[] next = image.length >= position + length ? image.clone() : Arrays.copyOf(image, (int) position + length);
        System.arraycopy(data, 0, next, (int) position, length);
        return next;
    }

    /** The file after truncating it to {@code position} bytes. */
    static byte[] truncated(byte[] image, long position) {
        return image.length <= position ? image : Arrays.copyOf(image, (int) position);
    }

    /**
     * The tests' writes put one key each, except write {@code keys.size() / 2 + 1}, which deletes the
     * first {@code deleted} keys. Every acknowledged put is there whole, and the delete, acknowledged
     * or only written, is all there or not at all; {@code deletedToo} checks what else a deleted key
     * must have lost.
     */
    static void assertAcknowledgedWritesKept(KvMap map, List<String> keys, int deleted, int ackedBefore,
                                             java.util.function.Consumer<String> deletedToo) {
        int deleteWrite = keys.size() / 2 + 1;
        boolean deleteApplied = ackedBefore > deleteWrite || map.get(keys.get(0)) == null;
        for (int write = 0; write < ackedBefore; write++) {
            if (write == deleteWrite) {
                continue;
            }
            int index = write < deleteWrite ? write : write - 1;
            String key = keys.get(index);
            byte[] found = map.get(key);
            if (deleteApplied && index < deleted) {
                assertNull(found, "delete of " + key + " undone or torn with " + ackedBefore + " acked");
                deletedToo.accept(key);
            } else if (found == null) {
                fail("acknowledged write " + write + " (" + key + ") lost with " + ackedBefore + " acked");
            } else {
                assertArrayEquals(value(key), found);
            }
        }
    }
}
