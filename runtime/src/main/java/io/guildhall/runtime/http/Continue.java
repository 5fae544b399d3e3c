package io.guildhall.runtime.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Continues request work after a future: inline when it is already complete, else on the request
 * workers. Store futures complete on the store's committer thread, which must never do request work
 * (token signing, JSON) or every commit would wait for it.
 */
public final class Continue {
    private final Executor workers;

    public Continue(Executor workers) {
        this.workers = workers;
    }

    public <T, R> CompletableFuture<R> apply(CompletableFuture<T> future, Function<? super T, ? extends R> next) {
        return future.isDone() ? future.thenApply(next) : future.thenApplyAsync(next, workers);
    }

    /** Runs the work on the request workers (for work that may block). */
    public <T> CompletableFuture<T> onWorkers(Supplier<CompletableFuture<T>> work) {
        return CompletableFuture.supplyAsync(work, workers).thenCompose(Function.identity());
    }

    public <T, R> CompletableFuture<R> compose(CompletableFuture<T> future, Function<? super T, ? extends CompletableFuture<R>> next) {
        return future.isDone() ? future.thenCompose(next) : future.thenComposeAsync(next, workers);
    }
}
