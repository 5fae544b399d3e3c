package io.guildhall.spi.module;

/**
 * Runs before an operation: returns the request to go on with (the same or a changed one), or
 * throws {@link io.guildhall.spi.ApiException} to reject it with that code and message. The
 * operation's own validation and limits run on what the hook returned.
 */
@FunctionalInterface
public interface BeforeHook<Q> {
    Q before(HookContext context, Q request) throws Exception;
}
