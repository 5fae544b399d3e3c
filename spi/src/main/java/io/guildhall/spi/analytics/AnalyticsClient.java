package io.guildhall.spi.analytics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * The server-side analytics client, with the operations of Nakama's Satori client that studios
 * use from server code. Every call returns at once; the stage completes when the analytics service
 * has durably accepted the call, or fails with an {@link AnalyticsException}. Events are sent without
 * a session id, so they are attributed by the service's rules: the identity's latest session within
 * the grace period, else orphaned (kept, never dropped).
 *
 * <p>{@code noSession} keeps Nakama's meaning: when the game client runs its own analytics session
 * (satori-js), the server authenticates with {@code noSession} true and its events attach to the
 * client's session; when only the server sends events, it authenticates with {@code noSession}
 * false, which opens the session its later events attach to.
 */
public interface AnalyticsClient {
    /** Creates the identity on first use, applies the properties, and opens a session unless {@code noSession}. */
    CompletionStage<Properties> authenticate(String identityId, Map<String, String> defaultProperties,
                                             Map<String, String> customProperties, boolean noSession);

    /** Events of one identity. */
    CompletionStage<Void> publishEvents(String identityId, List<AnalyticsEvent> events);

    /** Server events: each names its identity (or none, for a non-player event). */
    CompletionStage<Void> publishServerEvents(List<AnalyticsEvent> events);

    CompletionStage<Properties> getProperties(String identityId);

    CompletionStage<Void> updateProperties(String identityId, Map<String, String> defaultProperties,
                                           Map<String, String> customProperties, boolean recompute);

    /** Erases the identity: its properties, sessions and events. */
    CompletionStage<Void> deleteIdentity(String identityId);
}
