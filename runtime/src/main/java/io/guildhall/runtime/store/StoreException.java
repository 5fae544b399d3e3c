package io.guildhall.runtime.store;

/** The store could not do what was asked: a commit or sync failed, the store is closed, or a file will not open. */
public class StoreException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
