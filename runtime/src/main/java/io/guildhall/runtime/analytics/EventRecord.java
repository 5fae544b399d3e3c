package io.guildhall.runtime.analytics;

import java.util.Map;

/**
 * A stored event. Exactly one of three kinds: attributed to a session, orphaned (an identity but
 * no session qualified) or non-player (no identity).
 *
 * @param clientId     the de-duplication id (the client's {@code id}, or one the server assigned)
 * @param skewed       the client's timestamp was too far in the future, so the receive time was stored
 * @param source       who sent it: the API key's name, or {@code console:<email>}
 * @param via          how the event found its session, or why it found none
 */
public record EventRecord(String eventId, String clientId, String identityId, String sessionId, Kind kind,
                          String name, String value, Map<String, String> metadata, long timestampMillis,
                          long receivedMillis, boolean skewed, String source, long sessionIssuedAt,
                          long sessionExpiresAt, Via via) {
    public enum Kind {
        ATTRIBUTED, ORPHANED, NON_PLAYER
    }

    /** How attribution went; the metrics count events by {@link #metricKind()}. */
    public enum Via {
        /** Attributed to the session the event named (or its token's). */
        GIVEN_SESSION("session", ""),
        /** Named no session; attributed to the identity's latest session within the grace period. */
        RECENT_SESSION("session", ""),
        /** Named no session and the identity had none within the grace period. */
        NO_RECENT_SESSION("sessionless", "no session of the identity within the grace period"),
        /** Named a session that belongs to another identity. */
        OTHER_IDENTITY_SESSION("orphaned", "the session it named belongs to another identity"),
        /** No identity: a non-player event. */
        NO_IDENTITY("non_player", "");

        private final String metricKind;
        private final String reason;

        Via(String metricKind, String reason) {
            this.metricKind = metricKind;
            this.reason = reason;
        }

        /** session, sessionless, orphaned or non_player. */
        public String metricKind() {
            return metricKind;
        }

        /** Why an event attached to no session ("" when it was attributed). */
        public String reason() {
            return reason;
        }
    }
}
