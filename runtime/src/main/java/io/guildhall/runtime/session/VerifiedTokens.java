package io.guildhall.runtime.session;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Duration;
import java.util.function.ToLongFunction;

/**
 * Tokens already verified, keyed by the exact token string: a client sends the same token for its
 * whole life, and verifying it once is enough. Bounded by an estimate of the bytes each entry holds
 * (a bound by count let large tokens fill the heap), and no entry stays longer than one token
 * lifetime. A fixed expiry rather than one per token: with per-entry expiry Caffeine records every
 * read for its policy, which cost a third of a microsecond per request; callers check every hit
 * against its token's own {@code exp}.
 *
 * @param <T> the verified claims
 */
public final class VerifiedTokens<T> {
    private final Cache<Key, T> cache;

    /** @param claimsBytes approximate bytes the claims hold beyond the token string (their strings, at two bytes a char) */
    public VerifiedTokens(long maxBytes, long lifetimeSec, ToLongFunction<T> claimsBytes) {
        this.cache = Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key key, T claims) -> (int) Math.min(Integer.MAX_VALUE,
                        200 + key.jwt.length() + claimsBytes.applyAsLong(claims)))
                // Housekeeping on the calling thread: waking a pool thread for it costs more here.
                .executor(Runnable::run)
                .expireAfterWrite(Duration.ofSeconds(lifetimeSec))
                .build();
    }

    /** The claims of a token verified before, or null. */
    public T get(String jwt) {
        return cache.getIfPresent(new Key(jwt));
    }

    public void put(String jwt, T claims) {
        cache.put(new Key(jwt), claims);
    }

    /** The weight the cache holds now, in (estimated) bytes. */
    public long bytes() {
        cache.cleanUp();
        return cache.policy().eviction().orElseThrow().weightedSize().orElseThrow();
    }

    /**
     * A token as a cache key: hashed on its last characters (its signature, as good as random) rather
     * than all of its few hundred, which a new String per request would hash every time; compared in full.
     */
    private record Key(String jwt) {
        private static final int HASHED_CHARS = 16;

        @Override
        public int hashCode() {
            int h = jwt.length();
            for (int i = Math.max(0, jwt.length() - HASHED_CHARS); i < jwt.length(); i++) {
                h = 31 * h + jwt.charAt(i);
            }
            return h;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && key.jwt.equals(jwt);
        }
    }
}
