package io.guildhall.runtime.console;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.guildhall.runtime.account.Passwords;
import io.guildhall.runtime.analytics.AnalyticsStore;
import io.guildhall.runtime.analytics.EventRecord;
import io.guildhall.runtime.analytics.RejectedEvents;
import io.guildhall.runtime.analytics.SessionRecord;
import io.guildhall.runtime.http.Call;
import io.guildhall.runtime.http.Continue;
import io.guildhall.runtime.http.Json;
import io.guildhall.runtime.http.LoginAttempts;
import io.guildhall.runtime.http.JsonBody;
import io.guildhall.spi.ApiException;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The console API endpoints (port 7451): sign-in, and read access to identities' sessions and events. */
final class ConsoleApi {
    private static final int MAX_LIST = 1000;

    private final ConsoleUsers users;
    private final ConsoleTokens tokens;
    private final Passwords passwords;
    private final LoginAttempts attempts;
    private final AnalyticsStore store;
    private final RejectedEvents rejected;
    private final Continue then;
    /** Checked when the email is unknown, so that a miss costs as long as a wrong password. */
    private final String decoyHash;

    ConsoleApi(ConsoleUsers users, ConsoleTokens tokens, Passwords passwords, LoginAttempts attempts,
               AnalyticsStore store, RejectedEvents rejected, Continue then) {
        this.users = users;
        this.tokens = tokens;
        this.passwords = passwords;
        this.attempts = attempts;
        this.store = store;
        this.rejected = rejected;
        this.then = then;
        this.decoyHash = new String(BCrypt.withDefaults().hash(users.cost(), "decoy".toCharArray()), StandardCharsets.US_ASCII);
    }

    /** POST /v1/console/authenticate {"email","password"} → {"token"}; wrong credentials 401, repeated failures 429. */
    CompletableFuture<?> authenticate(Call call) {
        JsonBody body = call.body();
        String email = ConsoleUsers.normalise(body.string("email"));
        String password = body.string("password");
        if (email.isEmpty() || password.isEmpty() || email.length() > 320 || password.length() > 256) {
            throw ApiException.invalid("email and password are required.");
        }
        // the one limiter of every password path, console accounts kept apart from players'
        String account = "console:" + email;
        attempts.checkAllowed(account, call.clientAddress());
        String hash = users.hash(email);
        return then.apply(passwords.matches(password, hash == null ? decoyHash : hash), matches -> {
            if (!matches || hash == null) {
                attempts.failed(account, call.clientAddress());
                throw ApiException.unauthenticated("Invalid credentials.");
            }
            attempts.succeeded(account);
            return Json.object().put("token", tokens.issue(email)).node();
        });
    }

    /** GET /v1/console/identity/{id}/sessions: start, last activity, events attributed, length. */
    CompletableFuture<?> sessions(Call call) {
        List<SessionRecord> sessions = store.sessions(identityId(call));
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (SessionRecord s : sessions) {
            list.add(Json.object()
                    .put("session_id", s.sessionId())
                    .put("start_time", time(s.startMillis()))
                    .put("last_activity_time", time(s.lastActivityMillis()))
                    .put("event_count", s.events() == 0 ? "" : Long.toString(s.events()))
                    .put("length_sec", s.lengthMillis() == 0 ? "" : Long.toString(s.lengthMillis() / 1000))
                    .node());
        }
        return store.durable().thenApply(v -> Json.object().put("sessions", list).node());
    }

    /** GET /v1/console/identity/{id}/events[?session_id=…&limit=…]: attributed and orphaned events, oldest first. */
    CompletableFuture<?> events(Call call) {
        String sessionId = call.query("session_id").orElse("");
        List<EventRecord> events = store.events(identityId(call), limit(call));
        return store.durable().thenApply(v -> eventList(events, sessionId));
    }

    /** GET /v1/console/events/non-player[?limit=…] */
    CompletableFuture<?> nonPlayerEvents(Call call) {
        List<EventRecord> events = store.nonPlayerEvents(limit(call));
        return store.durable().thenApply(v -> eventList(events, ""));
    }

    /** GET /v1/console/events/rejected[?identity_id=…&limit=…]: the debugger, newest first. */
    CompletableFuture<?> rejected(Call call) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (RejectedEvents.Rejected r : rejected.list(call.query("identity_id").orElse(null), limit(call))) {
            list.add(Json.object()
                    .put("receive_time", time(r.receivedMillis()))
                    .put("identity_id", r.identityId())
                    .put("source", r.source())
                    .put("reason", r.reason())
                    .put("detail", r.detail())
                    .put("event", r.event())
                    .node());
        }
        return CompletableFuture.completedFuture(Json.object().put("events", list).node());
    }

    private static ObjectNode eventList(List<EventRecord> events, String sessionId) {
        ArrayNode list = JsonNodeFactory.instance.arrayNode();
        for (EventRecord e : events) {
            if (!sessionId.isEmpty() && !sessionId.equals(e.sessionId())) {
                continue;
            }
            ObjectNode metadata = JsonNodeFactory.instance.objectNode();
            e.metadata().forEach(metadata::put);
            ObjectNode event = Json.object()
                    .put("id", e.clientId())
                    .put("name", e.name())
                    .put("value", e.value())
                    .put("metadata", metadata)
                    .put("timestamp", time(e.timestampMillis()))
                    .put("receive_time", time(e.receivedMillis()))
                    .put("kind", e.kind().name())
                    .put("identity_id", e.identityId())
                    .put("session_id", e.sessionId())
                    .put("source", e.source())
                    .put("via", e.via().name())
                    .node();
            if (!e.via().reason().isEmpty()) {
                event.put("reason", e.via().reason());
            }
            if (e.skewed()) {
                event.put("clock_skewed", true);
            }
            list.add(event);
        }
        return Json.object().put("events", list).node();
    }

    static String identityId(Call call) {
        String id = call.pathParam("id");
        if (id == null || !id.matches("[A-Za-z0-9_-]{8,128}")) {
            throw ApiException.invalid("Invalid identity id: it must be 8 to 128 characters of A-Z a-z 0-9 _ -");
        }
        return id;
    }

    private static int limit(Call call) {
        String text = call.query("limit").orElse("100");
        try {
            int limit = Integer.parseInt(text);
            if (limit < 1 || limit > MAX_LIST) {
                throw new NumberFormatException();
            }
            return limit;
        } catch (NumberFormatException e) {
            throw ApiException.invalid("limit must be between 1 and " + MAX_LIST);
        }
    }

    private static String time(long millis) {
        return Instant.ofEpochMilli(millis).toString();
    }
}
