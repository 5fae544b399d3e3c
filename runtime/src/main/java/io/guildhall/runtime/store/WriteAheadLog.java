package io.guildhall.runtime.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;

import org.h2.store.fs.FilePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segment files of records, each framed as length, CRC32C and payload, appended and synced. Files are
 * opened through H2's file systems ({@code async:} in production, a recording one in crash tests).
 * <p>
 * Segment layout: a 16-byte header (magic, {@link #FORMAT}, sequence number), then records
 * {@code [int length][int crc32c(sequence, length, payload)][payload]}; a rotation closes a segment
 * with an end mark (length -1). A segment may be longer than its log: new segments are spare files,
 * zero-filled or recycled from deleted segments (see {@link #prepareSpare}), and the checksum covers
 * the sequence number so that an old record of a recycled file never passes for a new one. Replay
 * reads the newest segment up to the first record that does not check out (the end of the log, or a
 * write torn by a crash); every older segment must reach its end mark, or it is corrupt.
 * <p>
 * Not thread-safe by itself: {@link #append}, {@link #rotate} and {@link #deleteBefore} are called
 * under the store's write lock (or by the only thread using the log); {@link #force()} may run
 * concurrently with them.
 */
final class WriteAheadLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WriteAheadLog.class);

    /** Format of segment files this release writes and reads. */
    static final int FORMAT = 1;
    /** "GHWL". */
    private static final int MAGIC = 0x4748574C;
    static final int HEADER_BYTES = 16;
    static final int FRAME_BYTES = 8;
    /** Larger lengths are garbage (a torn length field), never a record. */
    static final int MAX_RECORD_BYTES = 1 << 30;
    /**
     * Length field of the frame a rotation appends to close a segment: what follows it (zeros of a
     * pre-allocated file, old records of a recycled one) is not log. Every segment but the newest has one.
     */
    private static final int END_MARK = -1;
    private static final Pattern SEGMENT = Pattern.compile("(\\d{20})\\.wal");

    private final Path dir;
    private final String fileSystem;
    /** Open segments by sequence: the newest is appended to; older ones close when deleted. */
    private final TreeMap<Long, FileChannel> open = new TreeMap<>();
    private volatile FileChannel current;
    private long currentSequence;
    private long position;
    /** Bytes appended since the log was opened; for pacing checkpoints and measuring. */
    private volatile long appendedBytes;
    private final ByteBuffer frame = ByteBuffer.allocate(FRAME_BYTES);
    private final CRC32C crc = new CRC32C();
    private byte[] currentSequenceBytes = new byte[8];
    /** Size the spare segment is filled to; 0 = no spare (every segment grows as it is appended to). */
    private final long preallocateBytes;
    /** A zero-filled or recycled file, renamed into place by the next {@link #rotate()}. */
    private volatile boolean spareReady;
    /** Highest sequence number any segment file of this log had. */
    private long lastSequence;

    private WriteAheadLog(Path dir, String fileSystem, long preallocateBytes) {
        this.dir = dir;
        this.fileSystem = fileSystem;
        this.preallocateBytes = preallocateBytes;
        this.spareReady = Files.exists(spare());
        // Sequence numbers only grow, across restarts too: a recycled spare may still hold records of
        // any sequence up to the one in its header, and those must never pass for records of a new segment.
        long last = 0;
        for (long sequence : segments()) {
            last = Math.max(last, sequence);
        }
        if (spareReady) {
            try {
                byte[] header = new byte[HEADER_BYTES];
                try (var in = Files.newInputStream(spare())) {
                    int n = in.readNBytes(header, 0, HEADER_BYTES);
                    ByteBuffer b = ByteBuffer.wrap(header);
                    if (n == HEADER_BYTES && b.getInt() == MAGIC) {
                        b.getInt();
                        last = Math.max(last, b.getLong());
                    }
                }
            } catch (IOException e) {
                throw new StoreException("cannot read " + spare() + ": " + e, e);
            }
        }
        this.lastSequence = last;
    }

    /** Opens the log directory (creating it) without starting a segment: replay first, then {@link #rotate()}. */
    static WriteAheadLog open(Path dir, String fileSystem) {
        return open(dir, fileSystem, 0);
    }

    /**
     * @param preallocateBytes largest spare segment kept ready (see {@link #prepareSpare}); 0 for none
     */
    static WriteAheadLog open(Path dir, String fileSystem, long preallocateBytes) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StoreException("cannot create write-ahead log directory " + dir + ": " + e, e);
        }
        return new WriteAheadLog(dir, fileSystem, preallocateBytes);
    }

    private Path spare() {
        return dir.resolve("spare.wal");
    }

    private static byte[] sequenceBytes(long sequence) {
        return ByteBuffer.allocate(8).putLong(sequence).array();
    }

    /**
     * Makes sure a spare segment file of full size is ready, so that appends overwrite blocks that
     * exist instead of growing a file: then {@code fdatasync} of the log writes the data alone, not
     * the file system's journal, and does not wait behind a checkpoint's large writes to the MVStore
     * file (ext4 commits its journal in order with the data of other files). Called without the
     * write lock; a file being prepared is named {@code spare.tmp}.
     */
    void prepareSpare(long size) {
        if (preallocateBytes <= 0 || spareReady) {
            return;
        }
        long bytes = Math.max(64 << 10, Math.min(preallocateBytes, size));
        FilePath tmp = FilePath.get(fileSystem + dir.resolve("spare.tmp").toAbsolutePath());
        try (FileChannel channel = tmp.open("rw")) {
            channel.truncate(0);
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(bytes, 1 << 20));
            for (long at = 0; at < bytes; at += zeros.capacity()) {
                zeros.clear();
                writeFully(channel, zeros, at);
            }
            channel.force(true);
            tmp.moveTo(FilePath.get(fileSystem + spare().toAbsolutePath()), true);
            syncDirectory(dir);
            spareReady = true;
        } catch (IOException | RuntimeException e) {
            log.warn("cannot prepare a spare write-ahead log segment in {}: {}", dir, e.toString());
        }
    }

    /** Sequence numbers of the segment files present, oldest first. */
    List<Long> segments() {
        List<Long> found = new ArrayList<>();
        try (var files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                Matcher m = SEGMENT.matcher(file.getFileName().toString());
                if (m.matches()) {
                    found.add(Long.parseLong(m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot list write-ahead log directory " + dir + ": " + e, e);
        }
        found.sort(null);
        return found;
    }

    Path file(long sequence) {
        return dir.resolve(String.format("%020d.wal", sequence));
    }

    /**
     * Hands every intact record of every segment to {@code records}, oldest first. Stops at a torn
     * record at the end of the newest segment; refuses anything else that does not check out.
     *
     * @return the number of records replayed
     */
    long replay(Consumer<ByteBuffer> records) {
        List<Long> segments = segments();
        long count = 0;
        for (int i = 0; i < segments.size(); i++) {
            boolean newest = i == segments.size() - 1;
            long sequence = segments.get(i);
            byte[] bytes;
            try (FileChannel channel = FilePath.get(fileSystem + file(sequence).toAbsolutePath()).open("r")) {
                bytes = readAll(channel);
            } catch (IOException e) {
                throw new StoreException("cannot read write-ahead log segment " + file(sequence) + ": " + e, e);
            }
            Scan scan = scan(bytes, sequence);
            if (!newest && !scan.ended) {
                throw new StoreException("write-ahead log segment " + file(sequence) + " is corrupt at byte "
                        + scan.end + " (" + (scan.failure != null ? scan.failure : "no end mark")
                        + "); it is not the newest segment, so this is not a torn write: restore the data folder"
                        + " from a backup");
            }
            if (scan.failure != null) {
                if (!newest) {
                    throw new StoreException("write-ahead log segment " + file(sequence) + " is corrupt at byte "
                            + scan.end + " (" + scan.failure + "); it is not the newest segment, so this is not"
                            + " a torn write: restore the data folder from a backup");
                }
                if (scan.end < bytes.length && !isZero(bytes, scan.end)) {
                    log.info("write-ahead log {}: replay stops at byte {} ({}); the {} bytes after it are a write"
                            + " torn by a crash or the old content of a recycled segment", file(sequence), scan.end,
                            scan.failure, bytes.length - scan.end);
                }
            }
            for (ByteBuffer record : scan.records) {
                records.accept(record);
                count++;
            }
        }
        return count;
    }

    private static boolean isZero(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return true;
    }

    /** The records of one segment image up to the first that does not check out. */
    static Scan scan(byte[] bytes, long expectedSequence) {
        Scan scan = new Scan();
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        if (bytes.length < HEADER_BYTES) {
            scan.failure = "header cut short";
            return scan;
        }
        int magic = buffer.getInt();
        int format = buffer.getInt();
        long sequence = buffer.getLong();
        if (magic != MAGIC) {
            scan.failure = "not a write-ahead log segment";
            return scan;
        }
        if (format > FORMAT) {
            throw new StoreException("write-ahead log segment " + expectedSequence + " has format " + format
                    + ", newer than this release reads (" + FORMAT + "): it was written by a newer Guildhall");
        }
        if (sequence != expectedSequence) {
            scan.failure = "sequence " + sequence + " in a file named " + expectedSequence;
            return scan;
        }
        scan.end = HEADER_BYTES;
        CRC32C crc = new CRC32C();
        while (buffer.remaining() >= FRAME_BYTES) {
            int length = buffer.getInt();
            int checksum = buffer.getInt();
            if (length == END_MARK) {
                crc.reset();
                crc.update(sequenceBytes(sequence));
                crc.update(bytes, scan.end, 4);
                if ((int) crc.getValue() == checksum) {
                    scan.ended = true;
                    scan.end += FRAME_BYTES;
                    return scan;
                }
            }
            if (length <= 0 || length > MAX_RECORD_BYTES || length > buffer.remaining()) {
                scan.failure = length == 0 ? "zero length" : "length " + length + " past the end";
                return scan;
            }
            crc.reset();
            crc.update(sequenceBytes(sequence));
            crc.update(bytes, scan.end, 4);
            crc.update(bytes, buffer.position(), length);
            if ((int) crc.getValue() != checksum) {
                scan.failure = "checksum mismatch";
                return scan;
            }
            scan.records.add(ByteBuffer.wrap(bytes, buffer.position(), length).slice());
            buffer.position(buffer.position() + length);
            scan.end = buffer.position();
        }
        if (buffer.hasRemaining()) {
            scan.failure = "frame cut short";
        }
        return scan;
    }

    static final class Scan {
        final List<ByteBuffer> records = new ArrayList<>();
        int end;
        String failure;
        /** The segment was closed by a rotation: its end mark was found. */
        boolean ended;
    }

    /**
     * Appends one record (written to the file, not yet synced). The payload is read from its position
     * to its limit.
     */
    void append(ByteBuffer payload) {
        FileChannel channel = current;
        if (channel == null) {
            throw new StoreException("write-ahead log " + dir + " has no open segment");
        }
        int length = payload.remaining();
        frame.clear();
        frame.putInt(length);
        crc.reset();
        crc.update(currentSequenceBytes);
        crc.update(frame.array(), 0, 4);
        crc.update(payload.duplicate());
        frame.putInt((int) crc.getValue());
        frame.flip();
        try {
            writeFully(channel, frame, position);
            writeFully(channel, payload, position + FRAME_BYTES);
        } catch (IOException e) {
            throw new UncheckedIOException("appending to " + file(currentSequence) + " failed", e);
        }
        position += FRAME_BYTES + length;
        appendedBytes += FRAME_BYTES + length;
    }

    /** Makes every record appended so far durable (the segments before the current one already are). */
    void force() {
        FileChannel channel = current;
        if (channel == null) {
            return;
        }
        try {
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("syncing " + dir + " failed", e);
        }
    }

    /**
     * Syncs the current segment and starts the next one (its header and directory entry synced), which
     * every later {@link #append} goes to. On an empty log, starts the first segment after any present.
     *
     * @return the new segment's sequence number: every older segment may go once a checkpoint that
     *         started after this call is durable
     */
    long rotate() {
        FileChannel previous = current;
        if (previous != null) {
            frame.clear();
            frame.putInt(END_MARK);
            crc.reset();
            crc.update(currentSequenceBytes);
            crc.update(frame.array(), 0, 4);
            frame.putInt((int) crc.getValue());
            frame.flip();
            try {
                writeFully(previous, frame, position);
            } catch (IOException e) {
                throw new UncheckedIOException("closing " + file(currentSequence) + " failed", e);
            }
            position += FRAME_BYTES;
        }
        force();
        long next = lastSequence + 1;
        lastSequence = next;
        Path file = file(next);
        FileChannel channel;
        try {
            if (spareReady) {
                // zero-filled, or a recycled segment: its old records fail the checksum, which covers the sequence
                FilePath.get(fileSystem + spare().toAbsolutePath()).moveTo(FilePath.get(fileSystem + file.toAbsolutePath()), true);
                spareReady = false;
            }
            channel = FilePath.get(fileSystem + file.toAbsolutePath()).open("rw");
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).putInt(MAGIC).putInt(FORMAT).putLong(next);
            header.flip();
            writeFully(channel, header, 0);
            channel.force(false);
            syncDirectory(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("starting write-ahead log segment " + file + " failed", e);
        }
        open.put(next, channel);
        currentSequence = next;
        currentSequenceBytes = sequenceBytes(next);
        position = HEADER_BYTES;
        current = channel;
        return next;
    }

    /**
     * Deletes the segments older than {@code sequence} (their records are in a durable checkpoint),
     * keeping one as the next spare when none is ready and spares are on.
     */
    void deleteBefore(long sequence) {
        for (long old : segments()) {
            if (old >= sequence) {
                break;
            }
            FileChannel channel = open.remove(old);
            try {
                if (channel != null) {
                    channel.close();
                }
                FilePath segment = FilePath.get(fileSystem + file(old).toAbsolutePath());
                if (preallocateBytes > 0 && !spareReady) {
                    segment.moveTo(FilePath.get(fileSystem + spare().toAbsolutePath()), true);
                    spareReady = true;
                    continue;
                }
                segment.delete();
            } catch (IOException | RuntimeException e) {
                log.warn("cannot delete write-ahead log segment {}: {}", file(old), e.toString());
            }
        }
    }

    long currentSequence() {
        return currentSequence;
    }

    /** Bytes of the current segment, header included: where the next record goes. */
    long currentSize() {
        return position;
    }

    long appendedBytes() {
        return appendedBytes;
    }

    Path directory() {
        return dir;
    }

    @Override
    public void close() {
        current = null;
        for (FileChannel channel : open.values()) {
            try {
                channel.close();
            } catch (IOException e) {
                log.warn("closing write-ahead log segment failed: {}", e.toString());
            }
        }
        open.clear();
    }

    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
        long pos = at;
        while (buffer.hasRemaining()) {
            pos += channel.write(buffer, pos);
        }
    }

    private static byte[] readAll(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size > Integer.MAX_VALUE - 16) {
            throw new IOException("segment of " + size + " bytes is too large");
        }
        ByteBuffer buffer = ByteBuffer.allocate((int) size);
        long pos = 0;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, pos);
            if (read < 0) {
                break;
            }
            pos += read;
        }
        return buffer.array();
    }

    /** Sizes of the segment files present, by sequence (for tests and backups). */
    Map<Long, Long> sizes() throws IOException {
        Map<Long, Long> sizes = new TreeMap<>();
        for (long sequence : segments()) {
            sizes.put(sequence, Files.size(file(sequence)));
        }
        return sizes;
    }
}
