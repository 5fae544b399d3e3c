package io.guildhall.runtime.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Segment files: what a crash can leave at the end of the newest one, and what it cannot anywhere else. */
class WriteAheadLogTest {
    @TempDir
    Path dir;

    private static ByteBuffer record(String text) {
        return ByteBuffer.wrap(text.getBytes(UTF_8));
    }

    private static List<String> replay(WriteAheadLog log) {
        List<String> seen = new ArrayList<>();
        log.replay(r -> {
            byte[] bytes = new byte[r.remaining()];
            r.duplicate().get(bytes);
            seen.add(new String(bytes, UTF_8));
        });
        return seen;
    }

    @Test
    void aSegmentCutAtAnyByteReplaysExactlyTheRecordsThatAreWhole() throws Exception {
        WriteAheadLog log = WriteAheadLog.open(dir.resolve("wal"), "");
        long segment = log.rotate();
        List<String> written = new ArrayList<>();
        List<Long> ends = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String text = "record-" + i + "-" + "x".repeat(i * 13);
            log.append(record(text));
            written.add(text);
            ends.add(log.currentSize());
        }
        log.force();
        log.close();
        byte[] full = Files.readAllBytes(dir.resolve("wal").resolve(log.file(segment).getFileName()));
        assertEquals(ends.get(ends.size() - 1), full.length);

        for (int cut = 0; cut <= full.length; cut++) {
            Path folder = dir.resolve("cut-" + cut);
            Files.createDirectories(folder);
            Files.write(folder.resolve(log.file(segment).getFileName()), Arrays.copyOf(full, cut));
            int whole = 0;
            while (whole < ends.size() && ends.get(whole) <= cut) {
                whole++;
            }
            assertEquals(written.subList(0, whole), replay(WriteAheadLog.open(folder, "")), "cut at byte " + cut);
        }
    }

    @Test
    void aFlippedBitEndsTheNewestSegmentButIsRefusedInAnOlderOne() throws Exception {
        WriteAheadLog log = WriteAheadLog.open(dir, "");
        long first = log.rotate();
        log.append(record("one"));
        log.append(record("two"));
        long second = log.rotate();
        log.append(record("three"));
        log.force();
        log.close();
        assertEquals(List.of("one", "two", "three"), replay(WriteAheadLog.open(dir, "")));

        flipLastByte(log.file(second));
        assertEquals(List.of("one", "two"), replay(WriteAheadLog.open(dir, "")), "torn tail of the newest");

        flipLastByte(log.file(first));
        StoreException e = assertThrows(StoreException.class, () -> replay(WriteAheadLog.open(dir, "")));
        assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains(log.file(first).toString()),
                e.getMessage());
    }

    @Test
    void aSegmentOfANewerFormatIsRefused() throws Exception {
        WriteAheadLog log = WriteAheadLog.open(dir, "");
        long segment = log.rotate();
        log.append(record("one"));
        log.close();
        byte[] bytes = Files.readAllBytes(log.file(segment));
        ByteBuffer.wrap(bytes).putInt(4, WriteAheadLog.FORMAT + 1);
        Files.write(log.file(segment), bytes);
        StoreException e = assertThrows(StoreException.class, () -> replay(WriteAheadLog.open(dir, "")));
        assertTrue(e.getMessage().contains("newer"), e.getMessage());
    }

    @Test
    void deletingKeepsTheSegmentsFromTheGivenOneOn() {
        WriteAheadLog log = WriteAheadLog.open(dir, "");
        long first = log.rotate();
        long second = log.rotate();
        long third = log.rotate();
        log.deleteBefore(third);
        assertEquals(List.of(third), log.segments());
        assertTrue(first < second && second < third);
        log.append(record("after"));
        log.close();
        assertEquals(List.of("after"), replay(WriteAheadLog.open(dir, "")));
    }

    @Test
    void aRecycledSegmentNeverReplaysItsOldRecords() {
        WriteAheadLog log = WriteAheadLog.open(dir, "", 1 << 20);
        log.rotate();
        log.append(record("old-1"));
        log.append(record("old-2"));
        log.append(record("old-3"));
        log.rotate();
        log.deleteBefore(Long.MAX_VALUE); // as a clean close does: the first is kept as the spare
        log.close();
        assertTrue(Files.exists(dir.resolve("spare.wal")));

        WriteAheadLog again = WriteAheadLog.open(dir, "", 1 << 20);
        assertEquals(List.of(), replay(again));
        again.rotate(); // puts the spare in place: its old records are still in the file
        again.append(record("new"));
        again.force();
        again.close();
        assertEquals(List.of("new"), replay(WriteAheadLog.open(dir, "", 1 << 20)));
    }

    private static void flipLastByte(Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
    }
}
