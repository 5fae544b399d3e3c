package io.guildhall.spi.module;

import io.guildhall.spi.IdentityProvider;

/**
 * Where a module registers what it provides, explicitly. Registering an RPC id or a provider id
 * that is already taken stops start-up with a message naming both jars.
 */
public interface Initializer {
    /** Serves {@code POST /v2/rpc/{id}} and {@code GET /v2/rpc/{id}?payload=}; ids are case-insensitive. */
    void registerRpc(String id, Rpc rpc);

    /** Runs before the operation's own validation; may change the request or reject it. */
    <Q, R> void registerBefore(ApiOperation<Q, R> operation, BeforeHook<Q> hook);

    /** Runs after the operation succeeded, before the response is sent; cannot change it. */
    <Q, R> void registerAfter(ApiOperation<Q, R> operation, AfterHook<Q, R> hook);

    /** Adds an identity provider, served like the built-in ones (its {@code init} is called by the server). */
    void registerIdentityProvider(IdentityProvider provider);
}
