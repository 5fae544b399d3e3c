package io.guildhall.spi.analytics;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An event for the analytics service. {@code id} (optional) de-duplicates retries; {@code identityId}
 * is required for {@link AnalyticsClient#publishEvents}'s events (it is set from the call) and
 * optional for server events (absent: a non-player event).
 */
public record AnalyticsEvent(String name, String id, Map<String, String> metadata, String value, String identityId,
                             Instant timestamp) {
    public AnalyticsEvent {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(timestamp, "timestamp");
        metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
    }

    /** An event of the given identity at the given time, without id, value or metadata. */
    public static AnalyticsEvent of(String name, String identityId, Instant timestamp) {
        return new AnalyticsEvent(name, null, Map.of(), null, identityId, timestamp);
    }

    public AnalyticsEvent withMetadata(Map<String, String> changed) {
        return new AnalyticsEvent(name, id, changed, value, identityId, timestamp);
    }

    public AnalyticsEvent withValue(String changed) {
        return new AnalyticsEvent(name, id, metadata, changed, identityId, timestamp);
    }

    public AnalyticsEvent withId(String changed) {
        return new AnalyticsEvent(name, changed, metadata, value, identityId, timestamp);
    }
}
