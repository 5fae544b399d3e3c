package io.guildhall.runtime.console;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.guildhall.runtime.admin.TimestampedBackups;
import io.guildhall.runtime.http.Call;
import io.guildhall.runtime.store.Backup;
import io.guildhall.runtime.store.BackupInProgressException;
import io.guildhall.runtime.store.StoreException;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;

/** The console's backup action: an online, consistent copy of the store into a folder the server names. */
final class ConsoleBackupApi {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleBackupApi.class);
    private final TimestampedBackups backups;

    ConsoleBackupApi(TimestampedBackups backups) {
        this.backups = backups;
    }

    /**
     * POST /v1/console/backup (no parameters: the folder is named from the clock under
     * {@code data.backup_dir}) → {"folder","name","bytes","duration_ms"}; 409 code 10 while another
     * backup runs. Runs on a request worker for as long as the copy takes.
     */
    CompletableFuture<?> backup(Call call) {
        Backup backup;
        try {
            backup = backups.take();
        } catch (BackupInProgressException e) {
            throw new ApiException(Code.ABORTED, "A backup is already being written; try again when it has finished.");
        } catch (StoreException e) {
            // the operator needs the reason (disk full, permissions), not the generic storage answer
            LOG.warn("Console backup failed: {}", e.getMessage());
            throw new ApiException(Code.UNAVAILABLE, "Backup failed: " + e.getMessage());
        }
        return CompletableFuture.completedFuture(JsonNodeFactory.instance.objectNode()
                .put("folder", backup.folder().toString())
                .put("name", backup.folder().getFileName().toString())
                .put("bytes", backup.bytes())
                .put("duration_ms", backup.millis()));
    }
}
