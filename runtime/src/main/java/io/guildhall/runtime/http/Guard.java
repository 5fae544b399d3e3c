package io.guildhall.runtime.http;

/**
 * Checks a call's credentials before its endpoint runs, without touching the store; throws an
 * {@link io.guildhall.spi.ApiException} (usually code 16) to refuse it. Each listener has its own
 * authenticator that hands out one guard per kind of route.
 */
@FunctionalInterface
public interface Guard {
    /** For routes without credentials (health checks). */
    Guard NONE = call -> {
    };

    void check(Call call);
}
