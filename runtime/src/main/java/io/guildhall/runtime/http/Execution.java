package io.guildhall.runtime.http;

/** Where an endpoint runs. */
public enum Execution {
    /**
     * On the connection's IO thread, saving two thread hand-offs per request (measured: about 25 us
     * of CPU per GET /v2/account on 2 cores). Only for endpoints that never block: they check a
     * token, read the store (its page cache, at worst a page from the OS file cache) and return
     * futures for anything that waits.
     */
    IO_THREAD,
    /** On a request worker: anything that takes the store's write lock or may call out. */
    WORKER
}
