package io.guildhall.runtime.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Opens the configured store engine in a data directory. */
public final class Stores {
    public static final String MVSTORE = "mvstore";
    public static final String MAPDB = "mapdb";
    /** Engine names {@link #open} accepts; the first is the default. */
    public static final List<String> ENGINES = List.of(MVSTORE, MAPDB);

    static final String MVSTORE_FILE = "guildhall.mv.db";
    static final String MAPDB_FILE = "guildhall.mapdb";

    private Stores() {
    }

    /**
     * Opens (creating if needed) the store in {@code dataDir}.
     *
     * @param engine "mvstore" (the default, also for null or blank) or "mapdb"
     * @throws IllegalArgumentException for an unknown engine name
     * @throws StoreException if the directory cannot be created or the file will not open
     */
    /**
     * The changes a checkpoint may hold when {@code data.checkpoint_unsaved_bytes} is 0: an eighth of
     * the heap, from 8 MiB to 256 MiB. A checkpoint has them in memory twice (the changed pages, and
     * the chunk MVStore serialises them into before writing it), and a checkpoint that cannot get that
     * memory closes the store, at every restart again, since replaying the log brings them back.
     */
    public static long unsavedBytesFor(long maxHeapBytes) {
        return Math.max(8L << 20, Math.min(256L << 20, maxHeapBytes / 8));
    }

    /** {@code data.checkpoint_unsaved_bytes} as the store uses it: 0 means {@link #unsavedBytesFor} this JVM's heap. */
    public static long unsavedBytes(long configured) {
        return configured != 0 ? configured : unsavedBytesFor(Runtime.getRuntime().maxMemory());
    }

    public static GroupCommitStore open(String engine, Path dataDir) {
        return open(engine, dataDir, WalEngine.Settings.DEFAULTS);
    }

    /**
     * @param checkpointBytes   mvstore: write-ahead log bytes that trigger a checkpoint
     * @param checkpointInterval mvstore: longest time between checkpoints while writes come
     * @param maxUnsavedBytes   mvstore: B-tree memory not yet in the file that triggers a checkpoint;
     *                          0 for an eighth of the heap, from 8 to 256 MiB
     * @see #open(String, Path)
     */
    public static GroupCommitStore open(String engine, Path dataDir, long checkpointBytes,
                                        java.time.Duration checkpointInterval, long maxUnsavedBytes) {
        return open(engine, dataDir, new WalEngine.Settings(checkpointBytes, checkpointInterval, maxUnsavedBytes));
    }

    static GroupCommitStore open(String engine, Path dataDir, WalEngine.Settings settings) {
        String name = engine == null || engine.isBlank() ? MVSTORE : engine.trim().toLowerCase(Locale.ROOT);
        if (!ENGINES.contains(name)) {
            throw new IllegalArgumentException("unknown store engine '" + engine + "'; valid engines: "
                    + String.join(", ", ENGINES));
        }
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw new StoreException("cannot create data directory " + dataDir + ": " + e, e);
        }
        StoreEngine opened = name.equals(MAPDB)
                ? MapDbEngine.open(dataDir.resolve(MAPDB_FILE))
                : WalEngine.open(dataDir, "async:", settings);
        return GroupCommitStore.start(opened, GroupCommitStore.DEFAULT_HOUSEKEEPING_INTERVAL);
    }
}
