package io.guildhall.runtime.store;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.h2.mvstore.FileStore;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.RandomAccessStore;
import org.h2.mvstore.SFChunk;
import org.h2.mvstore.SingleFileStore;
import org.h2.mvstore.type.ByteArrayDataType;
import org.h2.mvstore.type.StringDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * H2's MVStore (append-only chunks, one file). Only our explicit commit writes a version:
 * <ul>
 *   <li>{@code autoCommitDisabled()} stops the background writer, but in H2 2.4.240 it leaves the
 *   auto-commit buffer on, and {@code MVMap.beforeWrite} then commits by itself once enough unsaved
 *   pages pile up: possibly in the middle of a mutation. {@code autoCommitBufferSize(0)} turns that off.</li>
 *   <li>{@code MVStore.commit()} writes but does not fsync; {@link #sync()} does.</li>
 *   <li>Space: MVStore keeps dead chunks for 45 s by default (against OS write-back it cannot see)
 *   plus 5 old versions. We fsync every commit before the next one and readers register the version
 *   they read, so both are set to 0; otherwise thousands of small commits a second grow the file by
 *   16 KiB each. Without the background thread nothing compacts: see {@link #compactStep()}.</li>
 *   <li>With retention 0, a chunk left without live pages is freed at the next commit (once no reader
 *   holds an older version) and new chunks go into the first hole that fits, so dead chunks' space is
 *   reused. But chunks rarely die whole under inserts at random keys: every commit rewrites the leaves
 *   it touched, and each old chunk keeps the leaves no later insert has hit yet, plus full leaves of
 *   time-ordered maps that never change again. Measured: chunks ~10% live and a file 8-12x the live
 *   data after seconds of sustained sign-ups. Hence compaction under load too:
 *   {@link #compactIntoNextCommit}.</li>
 *   <li>Retention 0 also means a freed chunk's blocks are reused by the very next commit. MVStore writes its
 *   file header (which names the newest chunk) lazily, and rewrites it only after the new chunk is
 *   written; a crash in between leaves a header naming a chunk that is no longer there, and recovery
 *   then falls back to the chunk at the end of the file, which may be dozens of commits old: acknowledged
 *   writes lost (seen in about 1 of 40 kill -9 runs). So {@link #commit()} has the header rewritten with
 *   every chunk: the chunk it names is then the newest or the one before, and neither can be freed yet.
 *   {@code MvStoreCrashPointTest} crashes the store at every write and checks.</li>
 *   <li>The file is opened through H2's {@code async:} file system: with the default one, a reader
 *   thread interrupted during a page read closes the shared FileChannel and every later read and
 *   commit fails until restart.</li>
 * </ul>
 */
final class MvStoreEngine implements StoreEngine {
    private static final Logger log = LoggerFactory.getLogger(MvStoreEngine.class);

    /** Rewrite live pages out of chunks that are less than this percent live. */
    private static final int CHUNK_FILL_TARGET = 80;
    /**
     * Under load, compact toward this lower target: each step holds writers up, and every point of
     * fill rate costs more rewriting than the last (young chunks still empty by themselves).
     */
    private static final int LOAD_CHUNK_FILL_TARGET = 50;
    /** Move chunks down (and truncate the file) when less than this percent of the file is in use. */
    private static final int FILE_FILL_TARGET = 80;
    /** Live bytes rewritten per step, so a step holds the write lock for milliseconds only. */
    private static final int REWRITE_BYTES = 1 << 20;
    /** Bytes moved per step: chunks larger than this never move, and then the file cannot shrink. */
    private static final int MOVE_BYTES = 16 << 20;

    /**
     * The store header's clean-shutdown flag. MVStore's chunk writer takes it out of the header map and,
     * if it was there, rewrites the header to point at the chunk just written: putting it in before
     * each commit is the only way in 2.4.240 to have the header written with every chunk.
     */
    private static final String HEADER_REWRITE_TRIGGER = "clean";

    private final Path file;
    private final MVStore store;
    private final Map<String, KvMap> maps = new ConcurrentHashMap<>();

    private final GatedFileStore files;

    private MvStoreEngine(Path file, MVStore store, GatedFileStore files) {
        this.file = file;
        this.store = store;
        this.files = files;
    }

    static MvStoreEngine open(Path file) {
        return open(file, "async:");
    }

    /** @param fileSystem H2 file system prefix; tests stack a recording one on top of "async:" */
    static MvStoreEngine open(Path file, String fileSystem) {
        return open(file, fileSystem, () -> { });
    }

    /**
     * @param beforeWrite runs before every write to the file, on the writing thread (the
     *                    write-ahead log uses it to put its records on disk before any chunk that
     *                    may hold their changes)
     */
    static MvStoreEngine open(Path file, String fileSystem, Runnable beforeWrite) {
        MVStore store;
        GatedFileStore files = new GatedFileStore(beforeWrite);
        try {
            files.open(fileSystem + file.toAbsolutePath(), false, null);
            store = new MVStore.Builder()
                    .adoptFileStore(files)
                    .autoCommitDisabled()
                    .autoCommitBufferSize(0)
                    .cacheSize(Integer.getInteger("guildhall.mvstore.cache_mb", 16))
                    .open();
        } catch (RuntimeException e) {
            try {
                files.close();
            } catch (RuntimeException ignored) {
                // reporting the first failure
            }
            throw new StoreException("cannot open MVStore file " + file + ": " + e.getMessage(), e);
        }
        store.setRetentionTime(0);
        store.setVersionsToKeep(0);
        log.debug("opened MVStore {} at version {}", file, store.getCurrentVersion());
        return new MvStoreEngine(file, store, files);
    }

    @Override
    public KvMap openMap(String name) {
        return maps.computeIfAbsent(name, n -> new MvStoreMap(store, store.openMap(n,
                new MVMap.Builder<String, byte[]>()
                        .keyType(StringDataType.INSTANCE)
                        .valueType(ByteArrayDataType.INSTANCE))));
    }

    @Override
    public void commit() {
        // A closed store (MVStore closes itself after a write error) ignores commit() silently.
        if (store.isClosed()) {
            throw new StoreException("MVStore " + file + " is closed", store.getPanicException());
        }
        Map<String, Object> header = store.getStoreHeader();
        header.put(HEADER_REWRITE_TRIGGER, 1);
        try {
            store.commit();
        } finally {
            // not consumed when the commit had nothing to write; a header written later must not carry it
            header.remove(HEADER_REWRITE_TRIGGER);
        }
    }

    @Override
    public boolean usable() {
        return !store.isClosed();
    }

    @Override
    public void sync() {
        store.sync();
    }

    @Override
    public boolean compactStep() {
        return rewriteStep() || shrinkStep();
    }

    /**
     * Rewrites the live pages of sparse chunks (up to a bounded amount) and commits, so that the old
     * chunks are freed and their space reused. Safe beside concurrent map writes.
     */
    boolean rewriteStep() {
        if (store.getFileStore().getChunksFillRate() < CHUNK_FILL_TARGET && store.compact(CHUNK_FILL_TARGET, REWRITE_BYTES)) {
            // compact() only marks live pages dirty; this commit writes them and frees the old chunks
            // (through commit(): it may reuse freed space like any other, so the header goes with it)
            commit();
            store.sync();
            return true;
        }
        return false;
    }

    /**
     * Moves chunks into holes and truncates the file's free tail. Not safe beside concurrent map
     * writes (H2 2.4.240 trips over the extra data its interim commits then hold): run it with
     * writers held off.
     */
    boolean shrinkStep() {
        FileStore<?> files = store.getFileStore();
        if (files instanceof RandomAccessStore && store.getFillRate() < FILE_FILL_TARGET) {
            int before = store.getFillRate();
            // moves chunks into holes, syncs and truncates the file's free tail
            ((RandomAccessStore) files).compactMoveChunks(FILE_FILL_TARGET, MOVE_BYTES, store);
            store.sync();
            return store.getFillRate() > before;
        }
        return false;
    }

    @Override
    public int reclaimBacklog() {
        return Math.max(0, LOAD_CHUNK_FILL_TARGET - store.getFileStore().getChunksFillRate());
    }

    /**
     * {@code compact()} marks the live pages of the sparsest old chunks dirty (up to the budget of
     * live bytes) without writing; the regular commit that follows writes them with the pending
     * writes, its sync makes both durable, and the next commit frees the emptied chunks: no extra
     * commit or fsync. Moving chunks to shrink the file syncs on its own, so it waits for idle time.
     */
    @Override
    public void compactIntoNextCommit(int budgetBytes) {
        store.compact(LOAD_CHUNK_FILL_TARGET, budgetBytes);
    }

    /** Guildhall's format number kept in the file (MVStore's "store version"; 0 in files of format 1). */
    int formatVersion() {
        return store.getStoreVersion();
    }

    /** Sets the format number; written with the next commit. */
    void setFormatVersion(int version) {
        store.setStoreVersion(version);
    }

    /** Estimated memory held by changes not yet written to the file. */
    long unsavedMemory() {
        return store.getUnsavedMemory();
    }

    boolean hasUnsavedChanges() {
        return store.hasUnsavedChanges();
    }

    /** Bytes MVStore wrote to its file since it was opened. */
    long writtenBytes() {
        return files.written.get();
    }

    Path file() {
        return file;
    }

    /** Closes without writing what is not committed yet (opening failed half way). */
    void abandon() {
        store.closeImmediately();
    }

    @Override
    public void close() {
        if (store.isClosed()) {
            return; // MVStore closed itself after a write failure; nothing more can be written
        }
        // A reader that finished while a commit held MVStore's lock could not release its version
        // (deregisterVersionUsage only tryLocks); nothing released it later if no commit followed, and
        // close() then trips an assertion (with -ea; H2 issue #3764). Releasing one now settles it.
        store.deregisterVersionUsage(store.registerVersionUsage());
        store.close();
        log.debug("closed MVStore {}", file);
    }

    @Override
    public String toString() {
        return "MVStore " + file;
    }

    /** MVStore's single-file store with a hook before each write. */
    private static final class GatedFileStore extends SingleFileStore {
        private final Runnable beforeWrite;
        final AtomicLong written = new AtomicLong();

        GatedFileStore(Runnable beforeWrite) {
            super(new HashMap<>());
            this.beforeWrite = beforeWrite;
        }

        @Override
        protected void writeFully(SFChunk chunk, long pos, ByteBuffer src) {
            beforeWrite.run();
            written.addAndGet(src.remaining());
            super.writeFully(chunk, pos, src);
        }
    }
}
