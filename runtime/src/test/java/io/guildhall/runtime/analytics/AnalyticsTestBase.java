package io.guildhall.runtime.analytics;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.SettableClock;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * One real server per test class with a clock the tests move. Two API keys: {@link #GAME_KEY}
 * (clients; no server events) and {@link #BACKEND_KEY} (server events allowed); one console user.
 */
abstract class AnalyticsTestBase {
    static final String GAME_KEY = "0b7c6d1e-1111-4a2b-8c3d-4e5f60718293";
    static final String BACKEND_KEY = "9a8b7c6d-2222-4e5f-9a0b-1c2d3e4f5a6b";
    static final String CONSOLE_EMAIL = "ops@example.com";
    static final String CONSOLE_PASSWORD = "correct horse battery staple";
    static final String SESSION_KEY = "analytics-session-signing-key-for-tests-0123456789";
    static final Instant START = Instant.parse("2026-03-02T10:00:00Z");

    @TempDir
    static Path dataDir;
    static SettableClock clock;
    static TestServer server;
    static ApiClient analytics;
    static ApiClient console;

    @BeforeAll
    static void startServer() {
        clock = new SettableClock(START);
        server = TestServer.start(dataDir, clock, serverFlags().toArray(String[]::new));
        analytics = server.analytics();
        console = server.console();
    }

    static List<String> serverFlags() {
        String hash = new String(BCrypt.withDefaults().hash(4, CONSOLE_PASSWORD.toCharArray()), StandardCharsets.US_ASCII);
        return new ArrayList<>(List.of(
                "--analytics.api_keys=game:" + GAME_KEY + ":false,backend:" + BACKEND_KEY + ":true",
                "--analytics.session_signing_key=" + SESSION_KEY,
                "--analytics.flags=theme:dark,max_level:40",
                "--analytics.identity_requests_per_sec=1000",
                "--analytics.address_requests_per_sec=100000",
                "--console.users=" + CONSOLE_EMAIL + ":" + hash));
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    static String newIdentity() {
        return "player-" + UUID.randomUUID().toString().replace("-", "");
    }

    static String basic(String key) {
        return ApiClient.basic(key);
    }

    static String bearer(ApiClient.Reply session) {
        return ApiClient.bearer(session.field("token"));
    }

    static ApiClient.Reply authenticate(String identityId) {
        return authenticate(identityId, Map.of());
    }

    static ApiClient.Reply authenticate(String identityId, Map<String, Object> extra) {
        Map<String, Object> body = new java.util.HashMap<>(extra);
        body.put("id", identityId);
        ApiClient.Reply reply = analytics.post("/v1/authenticate", basic(GAME_KEY), ApiClient.json(body));
        assertEquals(200, reply.status(), reply.toString());
        return reply;
    }

    /** The JSON payload of a JWT. */
    static JsonNode claims(String jwt) throws Exception {
        String payload = jwt.split("\\.")[1];
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(Base64.getUrlDecoder().decode(payload));
    }

    static Map<String, Object> event(String name, Instant at) {
        return Map.of("name", name, "timestamp", at.toString());
    }

    static ApiClient.Reply sendEvents(ApiClient.Reply session, List<Map<String, Object>> events) {
        ApiClient.Reply reply = analytics.post("/v1/event", bearer(session), ApiClient.json(Map.of("events", events)));
        assertEquals(200, reply.status(), reply.toString());
        assertEquals("{}", reply.text());
        return reply;
    }

    static ApiClient.Reply sendServerEvents(String authorization, List<Map<String, Object>> events) {
        return analytics.post("/v1/server-event", authorization, ApiClient.json(Map.of("events", events)));
    }

    static String consoleToken() {
        ApiClient.Reply reply = console.post("/v1/console/authenticate", null,
                ApiClient.json(Map.of("email", CONSOLE_EMAIL, "password", CONSOLE_PASSWORD)));
        assertEquals(200, reply.status(), reply.toString());
        return reply.field("token");
    }

    static JsonNode sessionsOf(String identityId) {
        ApiClient.Reply reply = console.get("/v1/console/identity/" + identityId + "/sessions", ApiClient.bearer(consoleToken()));
        assertEquals(200, reply.status(), reply.toString());
        return reply.json().path("sessions");
    }

    static JsonNode eventsOf(String identityId) {
        ApiClient.Reply reply = console.get("/v1/console/identity/" + identityId + "/events?limit=1000",
                ApiClient.bearer(consoleToken()));
        assertEquals(200, reply.status(), reply.toString());
        return reply.json().path("events");
    }

    static Instant now() {
        return clock.instant();
    }
}
