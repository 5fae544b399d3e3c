package io.guildhall.runtime.http;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Throttles password guessing, for every path that checks a password (game sign-in, console login):
 * an account or a client address with too many failed attempts inside its window is locked until
 * the oldest of them leaves the window (Nakama's console uses 5 per account per minute and 10 per
 * address per 10 minutes). Locked callers get 429 code 8 before any password is hashed, so a flood
 * of guesses costs no bcrypt time. Failures are kept per key as their times, at most the limit of
 * them, in caches bounded by weight; a success clears the account's failures.
 */
public final class LoginAttempts {
    public static final String LOCKED = "Too many failed login attempts, try again later.";

    /** How many failures each kind of key may have within its window. */
    public record Policy(int perAccount, Duration accountWindow, int perAddress, Duration addressWindow, long maxBytes) {
    }

    private final Policy policy;
    private final Clock clock;
    private final Cache<String, Deque<Long>> accounts;
    private final Cache<String, Deque<Long>> addresses;

    public LoginAttempts(Policy policy, Clock clock) {
        this.policy = policy;
        this.clock = clock;
        // Separate caches: a flood of addresses must not evict the failures recorded against an account.
        this.accounts = cache(policy.maxBytes() / 2, policy.perAccount(), policy.accountWindow());
        this.addresses = cache(policy.maxBytes() / 2, policy.perAddress(), policy.addressWindow());
    }

    private Cache<String, Deque<Long>> cache(long maxBytes, int limit, Duration window) {
        return Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((String key, Deque<Long> times) -> 96 + 2 * key.length() + 24 * limit)
                .expireAfterWrite(window)
                .ticker(() -> clock.millis() * 1_000_000)
                .executor(Runnable::run)
                .build();
    }

    /** Throws 429 code 8 when the account (may be null when not known yet) or the address is locked. */
    public void checkAllowed(String account, String address) {
        long now = clock.millis();
        if (locked(addresses, address, policy.perAddress(), policy.addressWindow(), now)
                || account != null && locked(accounts, account, policy.perAccount(), policy.accountWindow(), now)) {
            throw new ApiException(Code.RESOURCE_EXHAUSTED, LOCKED);
        }
    }

    /** Records a failed attempt (wrong password, or a password login to an unknown account: account null). */
    public void failed(String account, String address) {
        long now = clock.millis();
        record(addresses, address, policy.perAddress(), now);
        if (account != null) {
            record(accounts, account, policy.perAccount(), now);
        }
    }

    public void succeeded(String account) {
        accounts.invalidate(account);
    }

    private static boolean locked(Cache<String, Deque<Long>> cache, String key, int limit, Duration window, long now) {
        Deque<Long> times = key == null ? null : cache.getIfPresent(key);
        if (times == null) {
            return false;
        }
        synchronized (times) {
            return times.size() >= limit && now - times.peekFirst() < window.toMillis();
        }
    }

    private static void record(Cache<String, Deque<Long>> cache, String key, int limit, long now) {
        if (key == null) {
            return;
        }
        Deque<Long> times = cache.asMap().computeIfAbsent(key, k -> new ArrayDeque<>(limit));
        synchronized (times) {
            times.addLast(now);
            while (times.size() > limit) {
                times.removeFirst();
            }
        }
        cache.put(key, times); // restarts the entry's expiry: it lives one window past its last failure
    }
}
