package io.guildhall.runtime.analytics;

import java.util.Map;

/** An analytics identity: when it was first seen and its default and custom properties. */
public record IdentityRecord(String identityId, long createdMillis, Map<String, String> defaults,
                             Map<String, String> custom) {
}
