package io.guildhall.runtime.account;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * bcrypt hashing and checking on a small pool of its own, so a burst of email sign-ins can use
 * at most that pool's cores and never the IO threads or the request workers. When the queue is
 * full the caller gets code 14 (HTTP 503) instead of an ever-growing wait.
 */
public final class Passwords implements AutoCloseable {
    private final int cost;
    private final ThreadPoolExecutor pool;

    public Passwords(int cost, int threads, int queueLength) {
        if (cost < 4 || cost > 31) {
            throw new IllegalArgumentException("bcrypt cost must be between 4 and 31, got " + cost);
        }
        this.cost = cost;
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(queueLength), r -> {
            Thread thread = new Thread(r, "bcrypt-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public CompletableFuture<String> hash(String password) {
        return submit(() -> new String(BCrypt.withDefaults().hash(cost, password.toCharArray()), StandardCharsets.US_ASCII));
    }

    /** True when the password matches the hash; a missing hash never matches. */
    public CompletableFuture<Boolean> matches(String password, String hash) {
        if (hash == null) {
            return CompletableFuture.completedFuture(false);
        }
        return submit(() -> BCrypt.verifyer().verify(password.toCharArray(), hash.getBytes(StandardCharsets.US_ASCII)).verified);
    }

    private <T> CompletableFuture<T> submit(java.util.function.Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, pool);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new ApiException(Code.UNAVAILABLE, "Too many password checks in progress, try again."));
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
