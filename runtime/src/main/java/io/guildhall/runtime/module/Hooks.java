package io.guildhall.runtime.module;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.guildhall.spi.module.AfterHook;
import io.guildhall.spi.module.ApiOperation;
import io.guildhall.spi.module.BeforeHook;
import io.guildhall.spi.module.HookContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The before and after hooks modules registered, by operation. Filled during start-up, read-only
 * afterwards. An operation without hooks is never slowed: callers check {@link #any} first.
 */
public final class Hooks {
    private static final Logger LOG = LoggerFactory.getLogger(Hooks.class);

    private record Registered<T>(String module, T hook) {
    }

    private final Map<ApiOperation<?, ?>, List<Registered<BeforeHook<?>>>> before = new HashMap<>();
    private final Map<ApiOperation<?, ?>, List<Registered<AfterHook<?, ?>>>> after = new HashMap<>();
    /** Operations with at least one hook that may block: they run on a request worker. */
    private final java.util.Set<ApiOperation<?, ?>> blocking = new java.util.HashSet<>();

    <Q, R> void addBefore(String module, ApiOperation<Q, R> operation, BeforeHook<Q> hook, boolean mayBlock) {
        before.computeIfAbsent(operation, o -> new ArrayList<>()).add(new Registered<>(module, hook));
        if (mayBlock) {
            blocking.add(operation);
        }
    }

    <Q, R> void addAfter(String module, ApiOperation<Q, R> operation, AfterHook<Q, R> hook, boolean mayBlock) {
        after.computeIfAbsent(operation, o -> new ArrayList<>()).add(new Registered<>(module, hook));
        if (mayBlock) {
            blocking.add(operation);
        }
    }

    /** True when a hook of the operation may block, so the operation must run on a request worker. */
    public boolean mayBlock(ApiOperation<?, ?> operation) {
        return blocking.contains(operation);
    }

    /** True when the operation has a hook of either kind. */
    public boolean any(ApiOperation<?, ?> operation) {
        return before.containsKey(operation) || after.containsKey(operation);
    }

    /**
     * Runs the before hooks in registration order, each on what the previous returned. A hook's
     * {@link ApiException} reaches the client; any other failure is logged and answered as 13.
     */
    @SuppressWarnings("unchecked")
    public <Q> Q runBefore(ApiOperation<Q, ?> operation, HookContext context, Q request) {
        Q current = request;
        for (Registered<BeforeHook<?>> registered : before.getOrDefault(operation, List.of())) {
            try {
                current = ((BeforeHook<Q>) registered.hook()).before(context, current);
            } catch (ApiException e) {
                throw e;
            } catch (Exception | LinkageError e) {
                LOG.error("Before hook of module '{}' for {} failed", registered.module(), operation, e);
                throw new ApiException(Code.INTERNAL, "Error running before hook.");
            }
            if (current == null) {
                throw new ApiException(Code.NOT_FOUND, "Requested resource was not found.");
            }
        }
        return current;
    }

    /** Runs the after hooks; a failure is logged, never surfaced. */
    @SuppressWarnings("unchecked")
    public <Q, R> void runAfter(ApiOperation<Q, R> operation, HookContext context, Q request, R result) {
        for (Registered<AfterHook<?, ?>> registered : after.getOrDefault(operation, List.of())) {
            try {
                ((AfterHook<Q, R>) registered.hook()).after(context, request, result);
            } catch (Exception | LinkageError e) {
                LOG.warn("After hook of module '{}' for {} failed: {}", registered.module(), operation, e.toString());
            }
        }
    }
}
