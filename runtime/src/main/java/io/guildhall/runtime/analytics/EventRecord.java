package io.guildhall.runtime.analytics;

import java.util.Map;

/**
 * A stored event. Exactly one of three kinds: attributed to a session, orphaned (an identity but
 * no session qualified) or non-player (no identity).
 *
 * @param clientId     the de-duplication id (the client's {@code id}, or one the server assigned)
 * @param skewed       the client's timestamp was too far in the future, so the receive time was stored
 * @param source       who sent it: the API key's name, or {@code console:<email>}
 */
public record EventRecord(String eventId, String clientId, String identityId, String sessionId, Kind kind,
                          String name, String value, Map<String, String> metadata, long timestampMillis,
                          long receivedMillis, boolean skewed, String source, long sessionIssuedAt,
                          long sessionExpiresAt) {
    public enum Kind {
        ATTRIBUTED, ORPHANED, NON_PLAYER
    }
}
