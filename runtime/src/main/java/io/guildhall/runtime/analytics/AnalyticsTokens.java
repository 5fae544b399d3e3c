package io.guildhall.runtime.analytics;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guildhall.runtime.session.Hs256;
import io.guildhall.runtime.session.SigningKeys;
import io.guildhall.runtime.session.VerifiedTokens;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.MalformedClaimException;

import java.time.Clock;

/**
 * Analytics session and refresh tokens: HS256 JWTs with the claims Satori's clients read
 * ({@code sid, iid, exp, iat, api}), plus {@code tid} for revocation and {@code uid = iid} so that
 * satori-js fills {@code user_id}. Refresh tokens carry the same claims under another key.
 * Verification reads no store; Nakama-minted tokens (no {@code sid}, no {@code tid}) verify too.
 * Keys rotate as the game API's do: tokens name their key ({@code kid}), previous keys still verify
 * until their tokens expire, and tokens without {@code kid} are tried against every key held.
 */
public final class AnalyticsTokens {
    private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER = new com.fasterxml.jackson.databind.ObjectMapper();

    private final Hs256 session;
    private final Hs256 refresh;
    private final long sessionLifetimeSec;
    private final long refreshLifetimeSec;
    private final Clock clock;
    // A client presents one token for its whole life: verify it once. Bounded by bytes; hits re-check exp.
    private final VerifiedTokens<AnalyticsToken> verified;

    /** @param verifiedCacheBytes weight of the verified session tokens kept */
    public AnalyticsTokens(SigningKeys sessionKeys, long sessionLifetimeSec, SigningKeys refreshKeys, long refreshLifetimeSec,
                           long verifiedCacheBytes, Clock clock) {
        this.session = new Hs256(sessionKeys);
        this.refresh = new Hs256(refreshKeys);
        this.sessionLifetimeSec = sessionLifetimeSec;
        this.refreshLifetimeSec = refreshLifetimeSec;
        this.clock = clock;
        this.verified = new VerifiedTokens<>(verifiedCacheBytes, sessionLifetimeSec, AnalyticsTokens::claimsBytes);
    }

    /** Approximate bytes the claims' strings hold. */
    private static long claimsBytes(AnalyticsToken claims) {
        return 2L * (claims.tokenId().length() + claims.identityId().length() + claims.sessionId().length()
                + claims.apiKeyName().length());
    }

    public record Pair(String token, String refreshToken, AnalyticsToken claims) {
    }

    /** Both tokens for a new or continued session; {@code issuedAt} is the session's first sign-in. */
    public Pair issue(String tokenId, String identityId, String sessionId, String apiKeyName, long issuedAt) {
        long now = clock.millis() / 1000;
        AnalyticsToken claims = new AnalyticsToken(tokenId, identityId, sessionId, apiKeyName, now + sessionLifetimeSec, issuedAt);
        return new Pair(session.sign(encode(claims, claims.expiresAt())),
                refresh.sign(encode(claims, now + refreshLifetimeSec)), claims);
    }

    private static byte[] encode(AnalyticsToken claims, long expiresAt) {
        ObjectNode json = MAPPER.createObjectNode();
        if (claims.hasSession()) {
            json.put("sid", claims.sessionId());
        }
        json.put("iid", claims.identityId());
        json.put("uid", claims.identityId());
        json.put("tid", claims.tokenId());
        json.put("api", claims.apiKeyName());
        json.put("exp", expiresAt);
        json.put("iat", claims.issuedAt());
        try {
            return MAPPER.writeValueAsBytes(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The claims of a valid session token, or null. */
    public AnalyticsToken verifySession(String jwt) {
        long now = clock.millis() / 1000;
        AnalyticsToken cached = jwt == null ? null : verified.get(jwt);
        if (cached != null) {
            return now < cached.expiresAt() ? cached : null;
        }
        AnalyticsToken claims = decode(session.verify(jwt, now));
        if (claims != null) {
            verified.put(jwt, claims);
        }
        return claims;
    }

    /** The claims of a valid refresh token, or null. */
    public AnalyticsToken verifyRefresh(String jwt) {
        return decode(refresh.verify(jwt, clock.millis() / 1000));
    }

    private static AnalyticsToken decode(JwtClaims claims) {
        if (claims == null) {
            return null;
        }
        try {
            String identityId = claims.getStringClaimValue("iid");
            if (identityId == null || identityId.isEmpty()) {
                return null;
            }
            return new AnalyticsToken(orEmpty(claims.getStringClaimValue("tid")), identityId,
                    orEmpty(claims.getStringClaimValue("sid")), orEmpty(claims.getStringClaimValue("api")),
                    claims.getExpirationTime().getValue(),
                    claims.getIssuedAt() == null ? 0 : claims.getIssuedAt().getValue());
        } catch (MalformedClaimException e) {
            return null;
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }

    public long sessionLifetimeSec() {
        return sessionLifetimeSec;
    }

    public long refreshLifetimeSec() {
        return refreshLifetimeSec;
    }

    /** Bytes the verified-token cache accounts for. */
    long cachedBytes() {
        return verified.bytes();
    }
}
