package io.guildhall.runtime.console;

/**
 * Slows down password guessing on console sign-in. To be merged with the runtime-wide login
 * attempt limiter once that lands; console sign-in only needs these three calls.
 */
public interface LoginThrottle {
    /** Throws {@link io.guildhall.runtime.http.Throttled} while the key has failed too often. */
    void check(String key);

    void failed(String key);

    void succeeded(String key);
}
