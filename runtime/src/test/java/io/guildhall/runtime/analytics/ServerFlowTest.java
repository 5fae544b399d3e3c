package io.guildhall.runtime.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.SettableClock;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documented backend flow, the console listener, erasure, throttling, and revocations across a restart. */
class ServerFlowTest extends AnalyticsTestBase {
    @Test
    void aBackendSignsInToTheConsoleOnTheClientPortAndPostsServerEventsWithThatBearer() {
        ApiClient.Reply login = analytics.post("/v1/console/authenticate", null,
                ApiClient.json(Map.of("email", CONSOLE_EMAIL, "password", CONSOLE_PASSWORD)));
        assertEquals(200, login.status(), login.toString());
        String player = newIdentity();
        ApiClient.Reply sent = sendServerEvents(ApiClient.bearer(login.field("token")),
                List.of(Map.of("name", "match_won", "identity_id", player, "timestamp", now().toString())));
        assertEquals(200, sent.status(), sent.toString());
        JsonNode event = eventsOf(player).get(0);
        assertEquals("match_won", event.path("name").asText());
        assertEquals("console:" + CONSOLE_EMAIL, event.path("source").asText());
        assertEquals("ORPHANED", event.path("kind").asText(), "no session ever opened");
    }

    @Test
    void onlyKeysWithServerEventsMayPostServerEvents() {
        List<Map<String, Object>> events = List.of(Map.of("name", "x", "timestamp", now().toString()));
        ApiClient.Reply clientKey = sendServerEvents(basic(GAME_KEY), events);
        assertEquals(403, clientKey.status(), clientKey.toString());
        assertEquals(7, clientKey.code());
        assertEquals(401, sendServerEvents(null, events).status());
        assertEquals(401, sendServerEvents("Bearer not-a-console-token", events).status());
        ApiClient.Reply sessionToken = sendServerEvents(bearer(authenticate(newIdentity())), events);
        assertEquals(401, sessionToken.status(), "a player's session token is no console token");
        assertEquals(200, sendServerEvents(basic(BACKEND_KEY), events).status());
    }

    @Test
    void theConsoleListenerNeedsAConsoleToken() {
        assertEquals(401, console.get("/v1/console/identity/" + newIdentity() + "/sessions", null).status());
        ApiClient.Reply playerToken = console.get("/v1/console/identity/" + newIdentity() + "/sessions",
                bearer(authenticate(newIdentity())));
        assertEquals(401, playerToken.status());
        assertEquals(404, console.get("/v1/event", null).status(), "client routes are not on the console port");
        assertEquals(404, analytics.get("/v1/console/events/rejected", ApiClient.bearer(consoleToken())).status(),
                "only console sign-in is on the client port");
    }

    @Test
    void wrongPasswordsAre401AndRepeatedFailuresAreThrottled() {
        String email = "nobody-" + newIdentity() + "@example.com";
        for (int i = 0; i < 5; i++) {
            ApiClient.Reply wrong = console.post("/v1/console/authenticate", null,
                    ApiClient.json(Map.of("email", email, "password", "guess" + i)));
            assertEquals(401, wrong.status(), wrong.toString());
            assertEquals(16, wrong.code());
        }
        ApiClient.Reply throttled = console.post("/v1/console/authenticate", null,
                ApiClient.json(Map.of("email", email, "password", "guess")));
        assertEquals(429, throttled.status(), throttled.toString());
        assertEquals(8, throttled.code());
        long retryAfter = Long.parseLong(throttled.headers().firstValue("Retry-After").orElseThrow());
        assertTrue(retryAfter > 0 && retryAfter <= 300, "Retry-After " + retryAfter);
        clock.advance(Duration.ofSeconds(retryAfter));
        assertEquals(401, console.post("/v1/console/authenticate", null,
                ApiClient.json(Map.of("email", email, "password", "guess"))).status(), "the window moved on");
    }

    @Test
    void erasureLeavesNothingOfTheIdentityBehind() {
        String player = newIdentity();
        ApiClient.Reply session = authenticate(player, Map.of("custom", Map.of("name", "Ada")));
        sendEvents(session, List.of(Map.of("name", "a", "id", "once"), Map.of("name", "b")));
        sendServerEvents(basic(BACKEND_KEY), List.of(Map.of("name", "", "identity_id", player)));
        assertEquals(2, eventsOf(player).size());
        String rejectedPath = "/v1/console/events/rejected?identity_id=" + player;
        assertEquals(1, console.get(rejectedPath, ApiClient.bearer(consoleToken())).json().path("events").size());

        ApiClient.Reply erased = analytics.send("DELETE", "/v1/identity", bearer(session), null);
        assertEquals(200, erased.status(), erased.toString());
        assertEquals("{}", erased.text());
        assertEquals(0, eventsOf(player).size());
        assertEquals(0, sessionsOf(player).size());
        assertEquals(0, console.get(rejectedPath, ApiClient.bearer(consoleToken())).json().path("events").size());
        assertEquals(401, analytics.get("/v1/properties", bearer(session)).status(), "its tokens end too");

        ApiClient.Reply again = authenticate(player);
        assertFalse(again.json().has("properties"), again.toString());
        sendEvents(again, List.of(Map.of("name", "a", "id", "once")));
        assertEquals(1, eventsOf(player).size(), "the de-duplication marks were erased too");
    }

    @Test
    void requestsOverTheRateLimitGet429WithRetryAfter(@TempDir Path dir) {
        SettableClock own = new SettableClock(START);
        try (TestServer limited = TestServer.start(dir, own, "--analytics.identity_requests_per_sec=1",
                "--analytics.api_keys=game:" + GAME_KEY)) {
            ApiClient client = limited.analytics();
            String body = ApiClient.json(Map.of("id", newIdentity()));
            assertEquals(200, client.post("/v1/authenticate", basic(GAME_KEY), body).status());
            assertEquals(200, client.post("/v1/authenticate", basic(GAME_KEY), body).status());
            ApiClient.Reply third = client.post("/v1/authenticate", basic(GAME_KEY), body);
            assertEquals(429, third.status(), third.toString());
            assertEquals(8, third.code());
            assertEquals("1", third.headers().firstValue("Retry-After").orElse(""));
            own.advance(Duration.ofSeconds(1));
            assertEquals(200, client.post("/v1/authenticate", basic(GAME_KEY), body).status());
        }
    }

    @Test
    void revocationsSurviveARestart(@TempDir Path dir) {
        SettableClock own = new SettableClock(START);
        String player = newIdentity();
        ApiClient.Reply loggedOut;
        ApiClient.Reply kept;
        try (TestServer first = TestServer.start(dir, own, "--analytics.api_keys=game:" + GAME_KEY)) {
            ApiClient client = first.analytics();
            String body = ApiClient.json(Map.of("id", player));
            loggedOut = client.post("/v1/authenticate", basic(GAME_KEY), body);
            kept = client.post("/v1/authenticate", basic(GAME_KEY), body);
            assertEquals(200, client.post("/v1/event", bearer(kept), "{\"events\":[{\"name\":\"before_restart\"}]}").status());
            assertEquals(200, client.post("/v1/authenticate/logout", bearer(loggedOut), ApiClient.json(Map.of(
                    "token", loggedOut.field("token"), "refresh_token", loggedOut.field("refresh_token")))).status());
        }
        try (TestServer second = TestServer.start(dir, own, "--analytics.api_keys=game:" + GAME_KEY)) {
            ApiClient client = second.analytics();
            assertEquals(401, client.get("/v1/properties", bearer(loggedOut)).status());
            assertEquals(401, client.post("/v1/authenticate/refresh", basic(GAME_KEY),
                    ApiClient.json(Map.of("refresh_token", loggedOut.field("refresh_token")))).status());
            assertEquals(200, client.get("/v1/properties", bearer(kept)).status());
        }
    }

    @Test
    void eachListenerCanBeTurnedOff(@TempDir Path dir) {
        try (TestServer gameOnly = TestServer.start(dir, "--analytics.enabled=false", "--console.enabled=false")) {
            assertEquals(-1, gameOnly.analyticsPort());
            assertEquals(-1, gameOnly.consolePort());
            assertEquals(200, gameOnly.client().get("/healthcheck", null).status());
        }
    }
}
