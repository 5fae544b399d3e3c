package io.guildhall.runtime.admin;

import io.guildhall.runtime.store.Backup;
import io.guildhall.runtime.store.GroupCommitStore;
import io.guildhall.runtime.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Backups into folders the server names itself, under one configured root ({@code data.backup_dir}):
 * {@code guildhall-20261129T183501.123Z}, from the injected clock. Whoever asks for one (the console)
 * chooses no path, so no request can make the server write anywhere else.
 */
public final class TimestampedBackups {
    private static final Logger LOG = LoggerFactory.getLogger(TimestampedBackups.class);
    private static final DateTimeFormatter NAME = DateTimeFormatter.ofPattern("'guildhall-'yyyyMMdd'T'HHmmss.SSS'Z'")
            .withZone(ZoneOffset.UTC);
    /** Folders tried with a suffix when the clock gives a name that is taken (a clock standing still). */
    private static final int MAX_SUFFIX = 100;

    private final GroupCommitStore store;
    private final Path root;
    private final Clock clock;

    public TimestampedBackups(GroupCommitStore store, Path root, Clock clock) {
        this.store = store;
        this.root = root.toAbsolutePath().normalize();
        this.clock = clock;
    }

    /**
     * Writes a consistent copy of the store into a new folder under the root (created if needed).
     *
     * @throws io.guildhall.runtime.store.BackupInProgressException while another backup runs
     * @throws StoreException when the folder cannot be made or the copy fails
     */
    public Backup take() {
        String name = NAME.format(clock.instant());
        try {
            Files.createDirectories(root);
            for (int suffix = 0; suffix < MAX_SUFFIX; suffix++) {
                Path folder = root.resolve(suffix == 0 ? name : name + "-" + suffix);
                try {
                    Files.createDirectory(folder);
                } catch (java.nio.file.FileAlreadyExistsException taken) {
                    continue;
                }
                try {
                    Backup backup = store.backup(folder);
                    LOG.info("Backup written to {}: {} bytes in {} ms", backup.folder(), backup.bytes(), backup.millis());
                    return backup;
                } catch (RuntimeException e) {
                    removeQuietly(folder); // a half-written copy must never pass for a backup
                    throw e;
                }
            }
        } catch (IOException e) {
            throw new StoreException("cannot create a backup folder under " + root + ": " + e, e);
        }
        throw new StoreException("no free backup folder name under " + root + " for " + name);
    }

    /** Deletes a folder this class created, with whatever the failed copy left in it. */
    private static void removeQuietly(Path folder) {
        try (var paths = Files.walk(folder)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            LOG.warn("Could not remove the failed backup folder {}: {}", folder, e.toString());
        }
    }
}
