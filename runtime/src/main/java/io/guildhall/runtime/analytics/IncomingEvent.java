package io.guildhall.runtime.analytics;

import java.util.Map;

/**
 * A validated event on its way to the store. {@code clientId} is null when the sender gave none
 * (then it is not de-duplicated); {@code identityId} and {@code sessionId} are empty when absent.
 */
public record IncomingEvent(String name, String clientId, String value, Map<String, String> metadata,
                            long timestampMillis, boolean skewed, String identityId, String sessionId,
                            long sessionIssuedAt, long sessionExpiresAt, String source) {
}
