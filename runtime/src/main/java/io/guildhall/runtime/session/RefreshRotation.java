package io.guildhall.runtime.session;

import io.guildhall.runtime.store.KvMap;
import io.guildhall.runtime.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refresh-token rotation with reuse detection ({@code session.refresh_token_rotation}; Nakama does
 * not rotate). The refresh tokens of one session share its token id and differ only in {@code exp},
 * so a token is known by (id, exp). Each is accepted once: a refresh makes the token it mints the
 * session's current one. Presenting the token it replaced within the grace window (a client's
 * concurrent refreshes) is answered with the current one again; presenting it later, or anything
 * older, is reuse, and revokes every token of the session. Every decision is durable before the reply.
 */
public final class RefreshRotation {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshRotation.class);
    /** Returned by {@link #rotate} when the presented token was reused. */
    public static final long REUSED = -1;

    private final Store store;
    private final KvMap map;
    private final Revocations revocations;
    private final long sessionLifetimeSec;
    private final long graceMillis;
    private final Map<String, Lineage> lineages = new ConcurrentHashMap<>();

    /** A session's current refresh token, the one it replaced, and when. */
    private record Lineage(long currentExp, long previousExp, long rotatedAtMillis) {
        String encode() {
            return currentExp + ":" + previousExp + ":" + rotatedAtMillis;
        }

        static Lineage decode(String text) {
            String[] parts = text.split(":");
            return new Lineage(Long.parseLong(parts[0]), Long.parseLong(parts[1]), Long.parseLong(parts[2]));
        }
    }

    public RefreshRotation(Store store, Revocations revocations, long sessionLifetimeSec, long graceSec) {
        this.store = store;
        this.map = store.map("refresh_rotations");
        this.revocations = revocations;
        this.sessionLifetimeSec = sessionLifetimeSec;
        this.graceMillis = graceSec * 1000;
        map.forEach((tokenId, value) -> lineages.put(tokenId, Lineage.decode(ascii(value))));
        LOG.info("Refresh-token rotation on ({} s reuse grace); loaded {} sessions", graceSec, lineages.size());
    }

    /**
     * Accepts or rejects a presented (already verified) refresh token. Takes the store's write lock.
     *
     * @param mintExp the {@code exp} a new refresh token would get now
     * @return the {@code exp} to mint the new refresh token with, or {@link #REUSED}
     */
    public CompletableFuture<Long> rotate(SessionToken presented, long mintExp, long nowMillis) {
        String tokenId = presented.tokenId();
        return store.write(() -> {
            Lineage lineage = lineages.get(tokenId);
            long presentedExp = presented.expiresAt();
            if (lineage == null || presentedExp == lineage.currentExp) {
                if (lineage == null || mintExp != lineage.currentExp) {
                    // in the same second the new token equals the presented one: nothing rotates
                    save(tokenId, new Lineage(mintExp, presentedExp, nowMillis));
                }
                return mintExp;
            }
            if (presentedExp == lineage.previousExp && nowMillis - lineage.rotatedAtMillis <= graceMillis) {
                return lineage.currentExp;
            }
            LOG.warn("Refresh token reuse for session {} of user {}: revoking the session", tokenId, presented.userId());
            revocations.revokeWithinWrite(tokenId, nowMillis / 1000 + sessionLifetimeSec, lineage.currentExp);
            return REUSED;
        });
    }

    /** Drops sessions whose every refresh token has expired; run periodically. */
    public CompletableFuture<Integer> prune(long nowSec) {
        return store.write(() -> {
            List<String> stale = new ArrayList<>();
            lineages.forEach((tokenId, lineage) -> {
                if (lineage.currentExp < nowSec) {
                    stale.add(tokenId);
                }
            });
            for (String tokenId : stale) {
                map.remove(tokenId);
                lineages.remove(tokenId);
            }
            return stale.size();
        });
    }

    private void save(String tokenId, Lineage lineage) {
        map.put(tokenId, lineage.encode().getBytes(StandardCharsets.US_ASCII));
        lineages.put(tokenId, lineage);
    }

    private static String ascii(byte[] bytes) {
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
