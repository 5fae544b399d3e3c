package io.guildhall.runtime.console;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.guildhall.runtime.http.Throttled;

import java.time.Clock;
import java.util.ArrayDeque;

/**
 * At most {@code maxFailures} failed sign-ins per key within a sliding window; further attempts
 * get 429 until the oldest failure leaves the window. Bounded in keys.
 */
public final class FailedLogins implements LoginThrottle {
    private final int maxFailures;
    private final long windowMillis;
    private final Clock clock;
    private final Cache<String, ArrayDeque<Long>> failures = Caffeine.newBuilder()
            .maximumSize(100_000).executor(Runnable::run).build();

    public FailedLogins(int maxFailures, long windowSec, Clock clock) {
        this.maxFailures = maxFailures;
        this.windowMillis = windowSec * 1000;
        this.clock = clock;
    }

    @Override
    public void check(String key) {
        ArrayDeque<Long> times = failures.getIfPresent(key);
        if (times == null) {
            return;
        }
        long now = clock.millis();
        synchronized (times) {
            while (!times.isEmpty() && times.peekFirst() <= now - windowMillis) {
                times.removeFirst();
            }
            if (times.size() >= maxFailures) {
                long retryMillis = times.peekFirst() + windowMillis - now;
                throw new Throttled("Too many failed sign-ins; try again later.", (retryMillis + 999) / 1000);
            }
        }
    }

    @Override
    public void failed(String key) {
        ArrayDeque<Long> times = failures.get(key, k -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(clock.millis());
            while (times.size() > maxFailures) {
                times.removeFirst();
            }
        }
    }

    @Override
    public void succeeded(String key) {
        failures.invalidate(key);
    }
}
