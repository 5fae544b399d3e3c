package io.guildhall.runtime.analytics;

/**
 * One analytics session: from its start (the sign-in that opened it, or the issue time a server
 * event gave) to its last activity (the latest event time attributed to it, or its start).
 */
public record SessionRecord(String identityId, String sessionId, long startMillis, long lastActivityMillis,
                            long events, long expiresAt) {
    SessionRecord attribute(long eventMillis) {
        return new SessionRecord(identityId, sessionId, startMillis, Math.max(lastActivityMillis, eventMillis),
                events + 1, expiresAt);
    }

    /** Last event attributed minus start; 0 for a session without events. */
    public long lengthMillis() {
        return events == 0 ? 0 : lastActivityMillis - startMillis;
    }
}
