package io.guildhall.runtime.session;

import java.util.Map;
import java.util.UUID;

/**
 * The claims of a session or refresh token. {@code tokenId} is shared by a session token and its
 * refresh token; {@code issuedAt} (seconds) is the time of the original sign-in, kept by refresh.
 */
public record SessionToken(String tokenId, UUID userId, String username, Map<String, String> vars,
                           long expiresAt, long issuedAt) {
}
