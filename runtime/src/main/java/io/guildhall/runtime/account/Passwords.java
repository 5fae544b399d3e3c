package io.guildhall.runtime.account;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * bcrypt hashing and checking on a small pool of its own, so a burst of email sign-ins can use
 * at most that pool's cores and never the IO threads or the request workers. When the queue is
 * full the caller gets code 14 (HTTP 503) instead of an ever-growing wait, and so does a check
 * that waited in the queue longer than its limit: by then its client has likely given up (Nakama's
 * JS client waits 7 s), and hashing for clients that left is how a sign-in storm collapses.
 */
public final class Passwords implements AutoCloseable {
    private static final String BUSY = "Too many password checks in progress, try again.";

    private final int cost;
    private final ThreadPoolExecutor pool;
    private final long maxWaitMillis;
    private final Clock clock;
    /** Checks and hashes that reached a thread in time and ran, and those answered 503 for their wait. */
    private final LongAdder ran = new LongAdder();
    private final LongAdder expired = new LongAdder();

    /** @param maxWait longest a check may wait for a thread before it is answered 503 unhashed; zero for no limit */
    public Passwords(int cost, int threads, int queueLength, Duration maxWait, Clock clock) {
        if (cost < 4 || cost > 31) {
            throw new IllegalArgumentException("bcrypt cost must be between 4 and 31, got " + cost);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("bcrypt queue timeout must not be negative, got " + maxWait);
        }
        this.cost = cost;
        this.maxWaitMillis = maxWait.isZero() ? Long.MAX_VALUE : maxWait.toMillis();
        this.clock = clock;
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
        long queuedAt = clock.millis();
        try {
            return CompletableFuture.supplyAsync(() -> {
                if (clock.millis() - queuedAt > maxWaitMillis) {
                    expired.increment();
                    throw new ApiException(Code.UNAVAILABLE, BUSY);
                }
                ran.increment();
                return work.get();
            }, pool);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new ApiException(Code.UNAVAILABLE, BUSY));
        }
    }

    /** Checks and hashes that reached a thread within their wait limit and ran. */
    public long ran() {
        return ran.sum();
    }

    /** Checks and hashes answered 503 unhashed because they waited past the limit. */
    public long expired() {
        return expired.sum();
    }

    /** Checks and hashes waiting for a thread now. */
    public int waiting() {
        return pool.getQueue().size();
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
