package io.guildhall.spi.module;

/**
 * A function clients (with a session) or servers (with the runtime HTTP key) call through
 * {@code /v2/rpc/{id}}. It may block (it runs on a request worker). Throw
 * {@link io.guildhall.spi.ApiException} to answer an error with that code and message.
 */
@FunctionalInterface
public interface Rpc {
    /** Returns the response payload (may be empty). */
    String call(RpcContext context, String payload) throws Exception;
}
