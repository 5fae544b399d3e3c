package io.guildhall.runtime.plugin;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.guildhall.spi.IdentityProvider;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Runs the calls of one provider that may block (it calls its platform) on threads of its own, at
 * most {@code maxInFlight} at once; past that a call fails at once with 503 code 14. A slow or
 * hung platform so fills only its own threads, never the shared request workers, and sign-ins
 * through every other provider go on.
 */
public final class ProviderCalls {
    private final String providerId;
    private final int maxInFlight;
    private final ExecutorService threads;

    public ProviderCalls(IdentityProvider provider, int maxInFlight) {
        this.providerId = provider.id();
        this.maxInFlight = maxInFlight;
        AtomicInteger count = new AtomicInteger();
        // No queue: a call either gets a thread at once (up to the bound) or is refused.
        this.threads = new ThreadPoolExecutor(0, maxInFlight, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), r -> {
            Thread thread = new Thread(r, "provider-" + providerId + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    public int maxInFlight() {
        return maxInFlight;
    }

    public <T> CompletableFuture<T> call(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, threads);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return CompletableFuture.failedFuture(new ApiException(Code.UNAVAILABLE,
                    "Too many sign-ins through " + providerId + " are in progress; try again shortly."));
        }
    }

    public void close() {
        threads.shutdownNow();
    }
}
