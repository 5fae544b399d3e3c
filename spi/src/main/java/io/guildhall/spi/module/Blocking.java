package io.guildhall.spi.module;

/**
 * Whether a registered RPC or hook may block (wait for I/O, a lock, another service). The server
 * answers requests on a few event-loop threads; code that may block runs on a request worker
 * instead, which costs two thread hand-offs per request. Code that only computes may say
 * {@link #NEVER} and is run on the event loop: it must then never wait for anything.
 */
public enum Blocking {
    /** The default: run on a request worker. */
    MAY_BLOCK,
    /** Pure computation: run where the request already is. */
    NEVER
}
