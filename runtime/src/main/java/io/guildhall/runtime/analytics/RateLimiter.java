package io.guildhall.runtime.analytics;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.guildhall.runtime.http.Throttled;

import java.time.Clock;

/**
 * Token buckets per key (an identity, a client address): {@code perSecond} requests a second with
 * bursts of twice that. Bounded in the number of keys; a key that falls out starts full again.
 * Zero turns the limit off.
 */
public final class RateLimiter {
    private static final int MAX_KEYS = 100_000;

    private final double perMilli;
    private final double burst;
    private final Clock clock;
    private final String what;
    private final Cache<String, Bucket> buckets;

    private static final class Bucket {
        double tokens;
        long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    public RateLimiter(String what, long perSecond, Clock clock) {
        this.what = what;
        this.perMilli = perSecond / 1000.0;
        this.burst = perSecond * 2.0;
        this.clock = clock;
        this.buckets = Caffeine.newBuilder().maximumSize(MAX_KEYS).executor(Runnable::run).build();
    }

    /** Takes one request from the key's bucket, or throws 429 with the seconds until one is back. */
    public void acquire(String key) {
        if (perMilli <= 0) {
            return;
        }
        long now = clock.millis();
        Bucket bucket = buckets.get(key, k -> new Bucket(burst, now));
        synchronized (bucket) {
            bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, now - bucket.at) * perMilli);
            bucket.at = Math.max(bucket.at, now);
            if (bucket.tokens < 1) {
                long waitMillis = (long) Math.ceil((1 - bucket.tokens) / perMilli);
                throw new Throttled("Too many requests for this " + what + ".", (waitMillis + 999) / 1000);
            }
            bucket.tokens -= 1;
        }
    }
}
