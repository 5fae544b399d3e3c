package io.guildhall.runtime.http;

/** How a route authenticates its caller. */
public enum Auth {
    /** No credentials (health check). */
    NONE,
    /** HTTP Basic with the server key as user name (authenticate, refresh). */
    SERVER_KEY,
    /** A session token (everything else). */
    SESSION
}
