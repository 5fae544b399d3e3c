package io.guildhall.runtime.http;

import java.util.concurrent.CompletableFuture;

/**
 * One API operation. Returns the response body (a Jackson tree or any value Jackson encodes) when
 * it is ready, usually once the store has made the change durable. Throws or completes
 * exceptionally with {@link io.guildhall.spi.ApiException} for client errors.
 */
@FunctionalInterface
public interface Endpoint {
    CompletableFuture<?> handle(Call call);
}
