package io.guildhall.runtime.analytics;

import io.guildhall.runtime.session.Revocations;
import io.guildhall.runtime.session.SessionToken;
import io.guildhall.runtime.store.Store;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * Revoked analytics tokens, kept by the runtime's own durable {@link Revocations} in a map of
 * their own. Identity ids are free-form strings, so an identity's "invalid before" mark is keyed by
 * a name-based UUID of the id.
 */
public final class AnalyticsRevocations {
    private final Revocations revocations;

    public AnalyticsRevocations(Store store, long longestLifetimeSec) {
        this.revocations = new Revocations(store, "analytics_revocations", longestLifetimeSec);
    }

    /** Entries held in memory (the revocation set size). */
    public long size() {
        return revocations.size();
    }

    public boolean isRevokedSession(AnalyticsToken token) {
        return revocations.isRevokedSession(asSessionToken(token));
    }

    public boolean isRevokedRefresh(AnalyticsToken token) {
        return revocations.isRevokedRefresh(asSessionToken(token));
    }

    /** Revokes both tokens of one token id (a whole session: refresh keeps the token id). */
    public CompletableFuture<Void> revoke(String tokenId, long sessionExpiresAt, long refreshExpiresAt) {
        return revocations.revoke(tokenId, sessionExpiresAt, tokenId, refreshExpiresAt);
    }

    /** Invalidates every token of the identity minted before {@code beforeMillis}. */
    public CompletableFuture<Void> revokeIdentity(String identityId, long beforeMillis) {
        return revocations.revokeAllBefore(key(identityId), beforeMillis);
    }

    /** The millisecond to mint a new token id at: never before the identity's last invalidation. */
    public long mintTime(String identityId, long nowMillis) {
        return revocations.mintTime(key(identityId), nowMillis);
    }

    public CompletableFuture<Integer> prune(long nowSec) {
        return revocations.prune(nowSec);
    }

    private static SessionToken asSessionToken(AnalyticsToken token) {
        return new SessionToken(token.tokenId(), key(token.identityId()), "", Map.of(), token.expiresAt(), token.issuedAt());
    }

    private static UUID key(String identityId) {
        return UUID.nameUUIDFromBytes(("analytics:" + identityId).getBytes(StandardCharsets.UTF_8));
    }
}
