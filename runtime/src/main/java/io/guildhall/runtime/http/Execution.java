package io.guildhall.runtime.http;

/** Where an endpoint runs. */
public enum Execution {
    /**
     * On the connection's IO thread, saving two thread hand-offs per request. Only for endpoints
     * that never block: they check a token, read the store's in-memory maps and return futures.
     */
    IO_THREAD,
    /** On a request worker: anything that takes the store's write lock or may call out. */
    WORKER
}
