package io.guildhall.runtime.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guildhall.runtime.http.Call;
import io.guildhall.runtime.http.Continue;
import io.guildhall.runtime.http.HttpError;
import io.guildhall.runtime.http.Json;
import io.guildhall.runtime.http.JsonBody;
import io.guildhall.runtime.util.UuidV7;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The endpoints of the analytics API (Satori's client API, port 7450). */
final class AnalyticsApi {
    private final AnalyticsStore store;
    private final AnalyticsTokens tokens;
    private final AnalyticsRevocations revocations;
    private final EventParser parser;
    private final RejectedEvents rejected;
    private final Flags flags;
    private final RateLimiter perIdentity;
    private final RateLimiter perAddress;
    private final int maxEventsPerRequest;
    private final Clock clock;
    private final Continue then;

    AnalyticsApi(AnalyticsStore store, AnalyticsTokens tokens, AnalyticsRevocations revocations, EventParser parser,
                 RejectedEvents rejected, Flags flags, RateLimiter perIdentity, RateLimiter perAddress,
                 int maxEventsPerRequest, Clock clock, Continue then) {
        this.store = store;
        this.tokens = tokens;
        this.revocations = revocations;
        this.parser = parser;
        this.rejected = rejected;
        this.flags = flags;
        this.perIdentity = perIdentity;
        this.perAddress = perAddress;
        this.maxEventsPerRequest = maxEventsPerRequest;
        this.clock = clock;
        this.then = then;
    }

    /** POST /v1/authenticate: identity created on first use, properties applied, a new session unless no_session. */
    CompletableFuture<?> authenticate(Call call) {
        ApiKeys.ApiKey key = call.principal(ApiKeys.ApiKey.class);
        JsonBody body = call.body();
        String identityId = identityId(body.string("id"));
        perAddress.acquire(call.clientAddress());
        perIdentity.acquire(identityId);
        boolean noSession = body.bool("no_session");
        return open(identityId, properties(body, "default"), properties(body, "custom"), noSession, key.name());
    }

    /** Creates or updates the identity, opens a session unless told not to, and answers the session JSON. */
    private CompletableFuture<?> open(String identityId, Map<String, String> defaults, Map<String, String> custom,
                                      boolean noSession, String apiKeyName) {
        long now = clock.millis();
        String tokenId = UuidV7.mint(revocations.mintTime(identityId, now));
        String sessionId = noSession ? "" : UuidV7.mint(now);
        long nowSec = now / 1000;
        return then.apply(store.authenticate(identityId, defaults, custom, noSession ? null : sessionId,
                nowSec + tokens.sessionLifetimeSec(), now), identity -> {
            AnalyticsTokens.Pair pair = tokens.issue(tokenId, identityId, sessionId, apiKeyName, nowSec);
            return session(pair).put("properties", properties(identity)).node();
        });
    }

    /** POST /v1/authenticate/refresh: the same session (token id, session id, issue time), new expiries. */
    CompletableFuture<?> refresh(Call call) {
        AnalyticsToken old = tokens.verifyRefresh(call.body().string("refresh_token"));
        if (old == null || revocations.isRevokedRefresh(old)) {
            throw ApiException.unauthenticated("Refresh token invalid or expired.");
        }
        AnalyticsTokens.Pair pair = tokens.issue(old.tokenId(), old.identityId(), old.sessionId(), old.apiKeyName(),
                old.issuedAt());
        return CompletableFuture.completedFuture(session(pair).node());
    }

    /** POST /v1/authenticate/logout: the given tokens' sessions, or with an empty body all of the identity's tokens. */
    CompletableFuture<?> logout(Call call) {
        AnalyticsToken caller = call.principal(AnalyticsToken.class);
        JsonBody body = call.body();
        List<AnalyticsToken> given = new ArrayList<>();
        AnalyticsToken token = tokens.verifySession(body.string("token"));
        AnalyticsToken refreshToken = tokens.verifyRefresh(body.string("refresh_token"));
        for (AnalyticsToken t : new AnalyticsToken[]{token, refreshToken}) {
            if (t != null && t.identityId().equals(caller.identityId())) {
                given.add(t);
            }
        }
        long now = clock.millis();
        boolean emptyBody = body.string("token").isEmpty() && body.string("refresh_token").isEmpty();
        if (!emptyBody && given.isEmpty()) {
            given.add(caller); // tokens that are not the caller's (or no longer valid): end the caller's own session
        }
        if (emptyBody || given.stream().anyMatch(t -> t.tokenId().isEmpty())) {
            return then.apply(revocations.revokeIdentity(caller.identityId(), now + 1), v -> null);
        }
        long nowSec = now / 1000;
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        given.stream().map(AnalyticsToken::tokenId).distinct().forEach(id -> writes.add(revocations.revoke(id,
                nowSec + tokens.sessionLifetimeSec(), nowSec + tokens.refreshLifetimeSec())));
        return then.apply(CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)), v -> null);
    }

    /** PUT /v1/identify: the caller's tokens end; a new session opens for the new identity. */
    CompletableFuture<?> identify(Call call) {
        AnalyticsToken caller = call.principal(AnalyticsToken.class);
        JsonBody body = call.body();
        String identityId = identityId(body.string("id"));
        perIdentity.acquire(identityId);
        Map<String, String> defaults = properties(body, "default");
        Map<String, String> custom = properties(body, "custom");
        long now = clock.millis();
        CompletableFuture<Void> retired = caller.tokenId().isEmpty()
                ? revocations.revokeIdentity(caller.identityId(), now + 1)
                : revocations.revoke(caller.tokenId(), now / 1000 + tokens.sessionLifetimeSec(),
                        now / 1000 + tokens.refreshLifetimeSec());
        return then.compose(retired, v -> open(identityId, defaults, custom, false, caller.apiKeyName()));
    }

    /** DELETE /v1/identity: erases properties, sessions and events, and ends every token of the identity. */
    CompletableFuture<?> deleteIdentity(Call call) {
        AnalyticsToken caller = call.principal(AnalyticsToken.class);
        rejected.erase(caller.identityId());
        CompletableFuture<Integer> erased = store.eraseIdentity(caller.identityId());
        CompletableFuture<Void> revoked = revocations.revokeIdentity(caller.identityId(), clock.millis() + 1);
        return then.apply(CompletableFuture.allOf(erased, revoked), v -> null);
    }

    /** GET /v1/properties */
    CompletableFuture<?> properties(Call call) {
        AnalyticsToken caller = call.principal(AnalyticsToken.class);
        return store.identity(caller.identityId()).thenApply(identity -> identity == null
                ? Json.object().node() : properties(identity).node());
    }

    /** PUT /v1/properties: merges; an empty value removes a property. */
    CompletableFuture<?> updateProperties(Call call) {
        AnalyticsToken caller = call.principal(AnalyticsToken.class);
        JsonBody body = call.body();
        return then.apply(store.updateProperties(caller.identityId(), properties(body, "default"),
                properties(body, "custom"), clock.millis()), identity -> null);
    }

    /** POST /v1/event: the caller's events, in the token's session (sessionless for tokens without sid). */
    CompletableFuture<?> events(Call call) {
        AnalyticsToken caller = call.principal(AnalyticsToken.class);
        perAddress.acquire(call.clientAddress());
        perIdentity.acquire(caller.identityId());
        return ingest(call, caller.identityId(), caller.sessionId(), caller.apiKeyName());
    }

    /** POST /v1/server-event: each event names its own identity and session, or none. */
    CompletableFuture<?> serverEvents(Call call) {
        perAddress.acquire(call.clientAddress());
        return ingest(call, null, null, call.principal(EventSource.class).name());
    }

    private CompletableFuture<?> ingest(Call call, String identityId, String sessionId, String source) {
        List<JsonNode> batch = call.body().array("events");
        if (batch.size() > maxEventsPerRequest) {
            throw new HttpError(413, Code.RESOURCE_EXHAUSTED,
                    "A request may carry at most " + maxEventsPerRequest + " events.");
        }
        long now = clock.millis();
        List<IncomingEvent> valid = new ArrayList<>(batch.size());
        for (JsonNode node : batch) {
            try {
                valid.add(parser.parse(node, identityId, sessionId, source, now));
            } catch (EventParser.RejectedException e) {
                rejected.add(now, identityId != null ? identityId : namedIdentity(node), source, e.reason, e.getMessage(), node);
            }
        }
        if (valid.isEmpty()) {
            return CompletableFuture.completedFuture(null);
        }
        return then.apply(store.appendEvents(valid, now), appended -> null);
    }

    /** The identity a rejected server event names (either spelling), so the debugger can filter by it. */
    private static String namedIdentity(JsonNode event) {
        if (event == null || !event.isObject()) {
            return "";
        }
        JsonNode id = event.has("identity_id") ? event.get("identity_id") : event.get("identityId");
        return id != null && id.isTextual() ? id.textValue() : "";
    }

    /** GET /v1/flag: the configured flags, all or those named. */
    CompletableFuture<?> flags(Call call) {
        return CompletableFuture.completedFuture(flags.reply(call.queryAll("names")));
    }

    /** Experiments, live events, messages, flag overrides: none configured, so an empty answer (never 404). */
    CompletableFuture<?> none(Call call) {
        return CompletableFuture.completedFuture(null);
    }

    CompletableFuture<?> noSuchLiveEvent(Call call) {
        throw new ApiException(Code.NOT_FOUND, "Live event not found.");
    }

    CompletableFuture<?> noSuchMessage(Call call) {
        throw new ApiException(Code.NOT_FOUND, "Message not found.");
    }

    private static Json.Out session(AnalyticsTokens.Pair pair) {
        return Json.object().put("token", pair.token()).put("refresh_token", pair.refreshToken());
    }

    private static Json.Out properties(IdentityRecord identity) {
        ObjectNode computed = JsonNodeFactory.instance.objectNode();
        return Json.object()
                .put("default", map(identity.defaults()))
                .put("custom", map(identity.custom()))
                .put("computed", computed);
    }

    static ObjectNode map(Map<String, String> map) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        map.forEach(node::put);
        return node;
    }

    static ArrayNode array() {
        return JsonNodeFactory.instance.arrayNode();
    }

    /** A property map of the request, bounded in entries and sizes (400 beyond). */
    private static Map<String, String> properties(JsonBody body, String field) {
        Map<String, String> map = body.stringMap(field);
        if (map.size() > AnalyticsStore.MAX_PROPERTIES) {
            throw ApiException.invalid(field + " properties: at most " + AnalyticsStore.MAX_PROPERTIES + " per request");
        }
        map.forEach((k, v) -> {
            if (k.isEmpty() || k.length() > AnalyticsStore.MAX_PROPERTY_NAME || v.length() > AnalyticsStore.MAX_PROPERTY_VALUE) {
                throw ApiException.invalid(field + " properties: names are 1 to " + AnalyticsStore.MAX_PROPERTY_NAME
                        + " characters and values at most " + AnalyticsStore.MAX_PROPERTY_VALUE);
            }
        });
        return map;
    }

    static String identityId(String id) {
        if (!EventParser.IDENTITY.matcher(id).matches()) {
            throw ApiException.invalid("Invalid identity id: it must be 8 to 128 characters of A-Z a-z 0-9 _ -");
        }
        return id;
    }
}
