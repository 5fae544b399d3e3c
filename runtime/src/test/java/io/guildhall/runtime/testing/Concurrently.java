package io.guildhall.runtime.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Runs tasks at the same moment: each on a thread of its own (never the common pool, which on a
 * small machine runs them one after another), all released together once every one is waiting.
 */
public final class Concurrently {
    private Concurrently() {
    }

    public static <T> List<T> run(List<Supplier<T>> tasks) {
        ExecutorService threads = Executors.newFixedThreadPool(tasks.size());
        try {
            CountDownLatch ready = new CountDownLatch(tasks.size());
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<T>> running = new ArrayList<>();
            for (Supplier<T> task : tasks) {
                running.add(CompletableFuture.supplyAsync(() -> {
                    ready.countDown();
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                    return task.get();
                }, threads));
            }
            ready.await();
            go.countDown();
            return running.stream().map(CompletableFuture::join).toList();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            threads.shutdownNow();
        }
    }
}
