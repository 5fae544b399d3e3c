package io.guildhall.runtime.analytics;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guildhall.runtime.util.UuidV7;
import io.guildhall.spi.analytics.AnalyticsClient;
import io.guildhall.spi.analytics.AnalyticsEvent;
import io.guildhall.spi.analytics.AnalyticsException;
import io.guildhall.spi.analytics.Properties;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The analytics service for server modules in this process: the same rules as the HTTP API
 * (validation, attribution, de-duplication, the debugger) without a key or a token. Events a
 * module publishes for an identity have no session of their own, so they are attributed like
 * those of a token without {@code sid}: to the identity's latest session within the grace period.
 */
final class EmbeddedAnalytics implements AnalyticsClient {
    static final String SOURCE = "server-module";

    private final AnalyticsStore store;
    private final AnalyticsTokens tokens;
    private final AnalyticsRevocations revocations;
    private final EventParser parser;
    private final RejectedEvents rejected;
    private final Clock clock;

    EmbeddedAnalytics(AnalyticsStore store, AnalyticsTokens tokens, AnalyticsRevocations revocations, EventParser parser,
                      RejectedEvents rejected, Clock clock) {
        this.store = store;
        this.tokens = tokens;
        this.revocations = revocations;
        this.parser = parser;
        this.rejected = rejected;
        this.clock = clock;
    }

    @Override
    public CompletionStage<Properties> authenticate(String identityId, Map<String, String> defaultProperties,
                                                    Map<String, String> customProperties, boolean noSession) {
        return guarded(() -> {
            long now = clock.millis();
            String sessionId = noSession ? null : UuidV7.mint(now);
            return store.authenticate(valid(identityId), orEmpty(defaultProperties), orEmpty(customProperties), sessionId,
                    now / 1000 + tokens.sessionLifetimeSec(), now).thenApply(EmbeddedAnalytics::properties);
        });
    }

    @Override
    public CompletionStage<Void> publishEvents(String identityId, List<AnalyticsEvent> events) {
        return guarded(() -> append(valid(identityId), events));
    }

    @Override
    public CompletionStage<Void> publishServerEvents(List<AnalyticsEvent> events) {
        return guarded(() -> append(null, events));
    }

    @Override
    public CompletionStage<Properties> getProperties(String identityId) {
        return guarded(() -> store.identity(valid(identityId)).thenApply(identity -> identity == null
                ? new Properties(Map.of(), Map.of(), Map.of()) : properties(identity)));
    }

    @Override
    public CompletionStage<Void> updateProperties(String identityId, Map<String, String> defaultProperties,
                                                  Map<String, String> customProperties, boolean recompute) {
        return guarded(() -> store.updateProperties(valid(identityId), orEmpty(defaultProperties),
                orEmpty(customProperties), clock.millis()).thenApply(identity -> null));
    }

    @Override
    public CompletionStage<Void> deleteIdentity(String identityId) {
        return guarded(() -> {
            String id = valid(identityId);
            rejected.erase(id);
            return CompletableFuture.allOf(store.eraseIdentity(id), revocations.revokeIdentity(id, clock.millis() + 1));
        });
    }

    /** Judges each event as the HTTP API does (through the same parser); bad ones go to the debugger. */
    private CompletableFuture<Void> append(String identityId, List<AnalyticsEvent> events) {
        long now = clock.millis();
        List<IncomingEvent> valid = new ArrayList<>(events.size());
        for (AnalyticsEvent event : events) {
            ObjectNode json = json(event);
            try {
                valid.add(parser.parse(json, identityId, identityId == null ? null : "", SOURCE, now));
            } catch (EventParser.RejectedException e) {
                rejected.add(now, identityId != null ? identityId : orEmpty(event.identityId()), SOURCE, e.reason,
                        e.getMessage(), json);
            }
        }
        return valid.isEmpty() ? CompletableFuture.completedFuture(null)
                : store.appendEvents(valid, now).thenApply(appended -> null);
    }

    private static ObjectNode json(AnalyticsEvent event) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("name", event.name());
        json.put("timestamp", event.timestamp().toString());
        if (event.id() != null) {
            json.put("id", event.id());
        }
        if (event.value() != null) {
            json.put("value", event.value());
        }
        if (event.identityId() != null) {
            json.put("identity_id", event.identityId());
        }
        if (!event.metadata().isEmpty()) {
            json.set("metadata", AnalyticsApi.map(event.metadata()));
        }
        return json;
    }

    private static String valid(String identityId) {
        if (identityId == null || !EventParser.IDENTITY.matcher(identityId).matches()) {
            throw new AnalyticsException(400, "Invalid identity id: it must be 8 to 128 characters of A-Z a-z 0-9 _ -");
        }
        return identityId;
    }

    private static <T> CompletionStage<T> guarded(java.util.function.Supplier<CompletionStage<T>> call) {
        try {
            return call.get().exceptionallyCompose(e -> {
                Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
                if (cause instanceof io.guildhall.spi.ApiException api) {
                    return CompletableFuture.failedFuture(new AnalyticsException(400, api.getMessage()));
                }
                return CompletableFuture.failedFuture(cause);
            });
        } catch (AnalyticsException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static Properties properties(IdentityRecord identity) {
        return new Properties(identity.defaults(), identity.custom(), Map.of());
    }

    private static Map<String, String> orEmpty(Map<String, String> map) {
        return map == null ? Map.of() : map;
    }

    private static String orEmpty(String text) {
        return text == null ? "" : text;
    }
}
