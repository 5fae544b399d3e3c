package io.guildhall.runtime.analytics;

/**
 * The claims of an analytics session or refresh token. {@code sessionId} is empty for tokens that
 * open no session ({@code no_session}) and for tokens Nakama mints; {@code tokenId} is empty only
 * for the latter. A session's tokens share their token id across refreshes, so revoking it ends
 * the whole session.
 */
public record AnalyticsToken(String tokenId, String identityId, String sessionId, String apiKeyName,
                             long expiresAt, long issuedAt) {
    public boolean hasSession() {
        return !sessionId.isEmpty();
    }
}
