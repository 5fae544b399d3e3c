package io.guildhall.runtime.store;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.mapdb.DB;
import org.mapdb.DBMaker;
import org.mapdb.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MapDB 3.1.0 with its write-ahead log ({@code transactionEnable()}). Kept for teams that ask for it:
 * it can come back corrupted or short after {@code kill -9} (see DESIGN.md), and its
 * {@code StoreWAL.compact()} is empty, so the file never shrinks.
 * <p>
 * MapDB needs {@code net.jpountz.xxhash} (shipped in the lz4-java jar) even without compression: it
 * hashes the write-ahead log and byte arrays with it. The build ships the maintained fork
 * ({@code at.yawk.lz4:lz4-java}) instead of the CVE-laden jar MapDB declares.
 */
final class MapDbEngine implements StoreEngine {
    private static final Logger log = LoggerFactory.getLogger(MapDbEngine.class);

    private final Path file;
    private final DB db;
    private final Map<String, KvMap> maps = new ConcurrentHashMap<>();

    private MapDbEngine(Path file, DB db) {
        this.file = file;
        this.db = db;
    }

    /** Whether MapDB's hashing dependency is on the classpath. */
    static MapDbEngine open(Path file) {
        DB db;
        try {
            // the default RandomAccessFile volume: FileChannel would close for good when a thread is interrupted
            db = DBMaker.fileDB(file.toFile()).transactionEnable().make();
        } catch (RuntimeException e) {
            throw new StoreException("MapDB refused to open " + file + " (corrupt, locked or not a MapDB file): "
                    + e.getMessage(), e);
        }
        log.debug("opened MapDB {}", file);
        return new MapDbEngine(file, db);
    }

    @Override
    public KvMap openMap(String name) {
        return maps.computeIfAbsent(name, n -> new MapDbMap(
                db.treeMap(n, Serializer.STRING, Serializer.BYTE_ARRAY).counterEnable().createOrOpen()));
    }

    /** MapDB's commit writes and fsyncs the log, then the store file. */
    @Override
    public void commit() {
        db.commit();
    }

    @Override
    public void sync() {
        // db.commit() already synced
    }

    @Override
    public void close() {
        db.close();
        log.debug("closed MapDB {}", file);
    }

    @Override
    public String toString() {
        return "MapDB " + file;
    }
}
