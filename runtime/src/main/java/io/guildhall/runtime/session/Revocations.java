package io.guildhall.runtime.session;

import io.guildhall.runtime.store.KvMap;
import io.guildhall.runtime.store.Store;
import io.guildhall.runtime.util.UuidV7;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Revoked tokens. Checked in memory on every request; every change is written to the store and
 * acknowledged only once durable, and reloaded at start-up, so a restart never revives a revoked
 * token. Two kinds of entry: a revoked token id (until the token's own expiry) and a user's
 * "tokens minted before this millisecond are invalid" mark (log out everywhere, delete, ban).
 */
public final class Revocations {
    private static final Logger LOG = LoggerFactory.getLogger(Revocations.class);
    private static final String SESSION = "s:";
    private static final String REFRESH = "r:";
    private static final String USER = "u:";
    /** The mark of a deleted account: every token, whenever minted, is invalid. */
    private static final long DELETED = Long.MAX_VALUE;

    private final Store store;
    private final KvMap map;
    private final long longestLifetimeSec;
    private final Map<String, Long> sessionIds = new ConcurrentHashMap<>();
    private final Map<String, Long> refreshIds = new ConcurrentHashMap<>();
    private final Map<UUID, UserMark> users = new ConcurrentHashMap<>();

    private record UserMark(long invalidBeforeMillis, long keepUntilSec) {
    }

    public Revocations(Store store, long longestLifetimeSec) {
        this(store, "revocations", longestLifetimeSec);
    }

    /** A revocation list in its own map of the store (the analytics API keeps one apart from the game API's). */
    public Revocations(Store store, String mapName, long longestLifetimeSec) {
        this.store = store;
        this.map = store.map(mapName);
        this.longestLifetimeSec = longestLifetimeSec;
        load();
    }

    private void load() {
        map.forEach((key, value) -> {
            String text = new String(value, StandardCharsets.US_ASCII);
            if (key.startsWith(SESSION)) {
                sessionIds.put(key.substring(2), Long.parseLong(text));
            } else if (key.startsWith(REFRESH)) {
                refreshIds.put(key.substring(2), Long.parseLong(text));
            } else if (key.startsWith(USER)) {
                String[] parts = text.split(":");
                users.put(UUID.fromString(key.substring(2)), new UserMark(Long.parseLong(parts[0]), Long.parseLong(parts[1])));
            }
        });
        LOG.info("Loaded {} revoked session ids, {} revoked refresh ids, {} user invalidations",
                sessionIds.size(), refreshIds.size(), users.size());
    }

    public boolean isRevokedSession(SessionToken token) {
        return sessionIds.containsKey(token.tokenId()) || mintedBeforeInvalidation(token);
    }

    public boolean isRevokedRefresh(SessionToken token) {
        return refreshIds.containsKey(token.tokenId()) || mintedBeforeInvalidation(token);
    }

    private boolean mintedBeforeInvalidation(SessionToken token) {
        UserMark mark = users.get(token.userId());
        if (mark == null) {
            return false;
        }
        long minted = UuidV7.mintedAt(token.tokenId());
        if (minted < 0) {
            minted = token.issuedAt() * 1000;
        }
        return minted < mark.invalidBeforeMillis;
    }

    /** Entries held in memory (token ids and per-user marks): the revocation set size. */
    public long size() {
        return sessionIds.size() + refreshIds.size() + users.size();
    }

    /**
     * The millisecond to mint a new token id at: never before the user's last invalidation. A
     * deleted account gets none (404): a sign-in that read it before the delete must not mint after.
     */
    public long mintTime(UUID userId, long nowMillis) {
        UserMark mark = users.get(userId);
        if (mark != null && mark.invalidBeforeMillis == DELETED) {
            throw new ApiException(Code.NOT_FOUND, "User account not found.");
        }
        return mark == null ? nowMillis : Math.max(nowMillis, mark.invalidBeforeMillis);
    }

    /**
     * For {@code session.single_session}: picks the new session's mint time and invalidates every
     * token minted before it, in one store write. Mint times strictly increase per user, so of
     * concurrent sign-ins exactly the last one written survives, even within one millisecond.
     */
    public CompletableFuture<Long> startSingleSession(UUID userId, long nowMillis) {
        return store.write(() -> {
            UserMark old = users.get(userId);
            if (old != null && old.invalidBeforeMillis == DELETED) {
                throw new ApiException(Code.NOT_FOUND, "User account not found.");
            }
            long mintAt = old == null ? nowMillis : Math.max(nowMillis, old.invalidBeforeMillis + 1);
            putMark(userId, mintAt);
            return mintAt;
        });
    }

    /**
     * Invalidates every token of a deleted account, including any a racing sign-in may still mint
     * (see {@link #mintTime}), as part of the delete's own store write. Kept until every token minted
     * before it has expired, like any other mark.
     */
    public void markDeletedWithinWrite(UUID userId, long nowMillis) {
        UserMark mark = new UserMark(DELETED, nowMillis / 1000 + longestLifetimeSec + 1);
        map.put(USER + userId, ascii(mark.invalidBeforeMillis + ":" + mark.keepUntilSec));
        users.put(userId, mark);
    }

    /** Revokes one token id for session tokens, refresh tokens, or both (a null id is skipped). */
    public CompletableFuture<Void> revoke(String sessionId, long sessionExpiresAt, String refreshId, long refreshExpiresAt) {
        return store.write(() -> {
            put(sessionId, sessionExpiresAt, refreshId, refreshExpiresAt);
            return null;
        });
    }

    /** Revokes a token id for both kinds of token, as part of a mutation already inside {@link Store#write}. */
    void revokeWithinWrite(String tokenId, long sessionExpiresAt, long refreshExpiresAt) {
        put(tokenId, sessionExpiresAt, tokenId, refreshExpiresAt);
    }

    /** A token id stays revoked until the latest expiry any revocation of it named. */
    private void put(String sessionId, long sessionExpiresAt, String refreshId, long refreshExpiresAt) {
        if (sessionId != null) {
            long until = sessionIds.merge(sessionId, sessionExpiresAt, Math::max);
            map.put(SESSION + sessionId, ascii(Long.toString(until)));
        }
        if (refreshId != null) {
            long until = refreshIds.merge(refreshId, refreshExpiresAt, Math::max);
            map.put(REFRESH + refreshId, ascii(Long.toString(until)));
        }
    }

    /** Invalidates every token of the user minted before {@code beforeMillis}. */
    public CompletableFuture<Void> revokeAllBefore(UUID userId, long beforeMillis) {
        return store.write(() -> {
            putMark(userId, beforeMillis);
            return null;
        });
    }

    private void putMark(UUID userId, long beforeMillis) {
        UserMark old = users.get(userId);
        long before = old == null ? beforeMillis : Math.max(old.invalidBeforeMillis, beforeMillis);
        long keepUntil = old != null && old.invalidBeforeMillis == DELETED ? old.keepUntilSec
                : before / 1000 + longestLifetimeSec + 1;
        UserMark mark = new UserMark(before, keepUntil);
        map.put(USER + userId, ascii(mark.invalidBeforeMillis + ":" + mark.keepUntilSec));
        users.put(userId, mark);
    }

    /** Drops entries that can no longer match a live token; run periodically. */
    public CompletableFuture<Integer> prune(long nowSec) {
        return store.write(() -> {
            List<String> stale = new ArrayList<>();
            sessionIds.forEach((id, exp) -> {
                if (exp < nowSec) {
                    stale.add(SESSION + id);
                }
            });
            refreshIds.forEach((id, exp) -> {
                if (exp < nowSec) {
                    stale.add(REFRESH + id);
                }
            });
            users.forEach((id, mark) -> {
                if (mark.keepUntilSec < nowSec) {
                    stale.add(USER + id);
                }
            });
            for (String key : stale) {
                map.remove(key);
                String id = key.substring(2);
                switch (key.substring(0, 2)) {
                    case SESSION -> sessionIds.remove(id);
                    case REFRESH -> refreshIds.remove(id);
                    default -> users.remove(UUID.fromString(id));
                }
            }
            return stale.size();
        });
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
