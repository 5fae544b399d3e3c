package io.guildhall.runtime.store;

/** A backup was asked for while another one of the same store was still being written. */
public final class BackupInProgressException extends StoreException {
    private static final long serialVersionUID = 1L;

    public BackupInProgressException() {
        super("a backup of this store is already being written; try again when it has finished");
    }
}
