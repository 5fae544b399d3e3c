package io.guildhall.spi.module;

/**
 * Runs after an operation succeeded and before its response is sent; it sees the request and the
 * result but cannot change them. If it throws, the error is logged and the client still gets the
 * operation's response.
 */
@FunctionalInterface
public interface AfterHook<Q, R> {
    void after(HookContext context, Q request, R result) throws Exception;
}
