package io.guildhall.spi.module;

import io.guildhall.spi.IdentityProvider;

/**
 * Where a module registers what it provides, explicitly. Registering an RPC id or a provider id
 * that is already taken stops start-up with a message naming both jars.
 */
public interface Initializer {
    /** Serves {@code POST /v2/rpc/{id}} and {@code GET /v2/rpc/{id}?payload=}; ids are case-insensitive. */
    default void registerRpc(String id, Rpc rpc) {
        registerRpc(id, rpc, Blocking.MAY_BLOCK);
    }

    /** As {@link #registerRpc(String, Rpc)}; {@link Blocking#NEVER} runs it without a thread hand-off. */
    void registerRpc(String id, Rpc rpc, Blocking blocking);

    /** Runs before the operation's own validation; may change the request or reject it. */
    default <Q, R> void registerBefore(ApiOperation<Q, R> operation, BeforeHook<Q> hook) {
        registerBefore(operation, hook, Blocking.MAY_BLOCK);
    }

    /**
     * As {@link #registerBefore(ApiOperation, BeforeHook)}. An operation whose hooks all say
     * {@link Blocking#NEVER} keeps running where it would without hooks.
     */
    <Q, R> void registerBefore(ApiOperation<Q, R> operation, BeforeHook<Q> hook, Blocking blocking);

    /** Runs after the operation succeeded, before the response is sent; cannot change it. */
    default <Q, R> void registerAfter(ApiOperation<Q, R> operation, AfterHook<Q, R> hook) {
        registerAfter(operation, hook, Blocking.MAY_BLOCK);
    }

    /** As {@link #registerAfter(ApiOperation, AfterHook)}, see {@link Blocking}. */
    <Q, R> void registerAfter(ApiOperation<Q, R> operation, AfterHook<Q, R> hook, Blocking blocking);

    /** Adds an identity provider, served like the built-in ones (its {@code init} is called by the server). */
    void registerIdentityProvider(IdentityProvider provider);
}
