package io.guildhall.runtime.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guildhall.runtime.session.SigningKeys;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.LegacyJwt;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Analytics signing keys rotate as the game API's do: with restarts of the real server on one store. */
class AnalyticsKeyRotationTest {
    private static final String API_KEY = "0b7c6d1e-3333-4a2b-8c3d-4e5f60718293";
    private static final String SESSION_A = "analytics-session-key-A-0123456789abcdef";
    private static final String SESSION_B = "analytics-session-key-B-0123456789abcdef";
    private static final String REFRESH_A = "analytics-refresh-key-A-0123456789abcdef";
    private static final String REFRESH_B = "analytics-refresh-key-B-0123456789abcdef";

    @TempDir
    Path dataDir;

    private TestServer start(String... keys) {
        String[] flags = new String[keys.length + 1];
        flags[0] = "--analytics.api_keys=game:" + API_KEY + ":false";
        System.arraycopy(keys, 0, flags, 1, keys.length);
        return TestServer.start(dataDir, flags);
    }

    @Test
    void aRestartWithPreviousKeysKeepsSessionsAliveAndRemovingAKeyEndsThem() throws Exception {
        String player = "player-" + UUID.randomUUID().toString().replace("-", "");
        String token;
        String refreshToken;
        String kidless;
        String kidlessRefresh;
        try (TestServer server = start("--analytics.session_signing_key=" + SESSION_A,
                "--analytics.refresh_signing_key=" + REFRESH_A)) {
            ApiClient.Reply session = server.analytics().post("/v1/authenticate", ApiClient.basic(API_KEY),
                    ApiClient.json(Map.of("id", player)));
            assertEquals(200, session.status(), session.toString());
            token = session.field("token");
            refreshToken = session.field("refresh_token");
            assertNotNull(header(token).get("kid"), "tokens name their key");
            // tokens as minted before they named their key: the same claims, a header without kid
            kidless = LegacyJwt.resign(SESSION_A, token);
            kidlessRefresh = LegacyJwt.resign(REFRESH_A, refreshToken);
            assertEquals(200, properties(server, kidless).status());
        }

        String rotatedToken;
        try (TestServer server = start("--analytics.session_signing_key=" + SESSION_B,
                "--analytics.previous_session_signing_keys=" + SESSION_A,
                "--analytics.refresh_signing_key=" + REFRESH_B,
                "--analytics.previous_refresh_signing_keys=" + REFRESH_A)) {
            assertEquals(200, properties(server, token).status(), "a token signed with a previous key still works");
            assertEquals(200, event(server, token).status());
            assertEquals(200, properties(server, kidless).status(), "a token without kid is tried against every key");
            ApiClient.Reply refreshed = refresh(server, refreshToken);
            assertEquals(200, refreshed.status(), "a refresh token signed with a previous key still refreshes");
            rotatedToken = refreshed.field("token");
            assertNotEquals(header(token).get("kid").asText(), header(rotatedToken).get("kid").asText(),
                    "new tokens are signed with the new key");
            assertEquals(claims(token).get("sid").asText(), claims(rotatedToken).get("sid").asText(), "the same session");
            assertEquals(200, properties(server, rotatedToken).status());
            assertEquals(200, refresh(server, kidlessRefresh).status());
        }

        try (TestServer server = start("--analytics.session_signing_key=" + SESSION_B,
                "--analytics.refresh_signing_key=" + REFRESH_B)) {
            assertEquals(401, properties(server, token).status(), "a removed key ends its sessions");
            assertEquals(401, event(server, token).status());
            assertEquals(401, properties(server, kidless).status());
            assertEquals(401, refresh(server, refreshToken).status());
            assertEquals(401, refresh(server, kidlessRefresh).status());
            assertEquals(200, properties(server, rotatedToken).status(), "tokens of the current key are untouched");
        }
    }

    @Test
    void previousKeysMustBeLongEnough() {
        var refused = org.junit.jupiter.api.Assertions.assertThrows(io.guildhall.runtime.config.ConfigException.class,
                () -> start("--analytics.previous_session_signing_keys=" + SESSION_A + ",short").close());
        assertTrue(refused.getMessage().startsWith("analytics.previous_session_signing_keys is 5 bytes long"),
                refused.getMessage());
    }

    @Test
    void verifiedTokensAreBoundedByBytes() {
        long budget = 256 * 1024;
        AnalyticsTokens tokens = new AnalyticsTokens(new SigningKeys(SESSION_A, List.of()), 3600,
                new SigningKeys(REFRESH_A, List.of()), 7200, budget, Clock.systemUTC());
        long now = System.currentTimeMillis() / 1000;
        for (int i = 0; i < 2000; i++) {
            // the longest identity ids: about 1 KB of token and claims each, 2 MB in all
            String identity = ("i" + i + "-").repeat(64).substring(0, 128);
            String jwt = tokens.issue(UUID.randomUUID().toString(), identity, UUID.randomUUID().toString(), "game", now).token();
            assertNotNull(tokens.verifySession(jwt));
        }
        assertTrue(tokens.cachedBytes() <= budget, tokens.cachedBytes() + " bytes cached");
        assertTrue(tokens.cachedBytes() > budget / 2, "the cache is used: " + tokens.cachedBytes());
    }

    private static ApiClient.Reply properties(TestServer server, String token) {
        return server.analytics().get("/v1/properties", ApiClient.bearer(token));
    }

    private static ApiClient.Reply event(TestServer server, String token) {
        return server.analytics().post("/v1/event", ApiClient.bearer(token), ApiClient.json(Map.of("events",
                List.of(Map.of("name", "rotation_check", "timestamp", java.time.Instant.now().toString())))));
    }

    private static ApiClient.Reply refresh(TestServer server, String refreshToken) {
        return server.analytics().post("/v1/authenticate/refresh", ApiClient.basic(API_KEY),
                ApiClient.json(Map.of("refresh_token", refreshToken)));
    }

    private static JsonNode header(String jwt) throws Exception {
        return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]));
    }

    private static JsonNode claims(String jwt) throws Exception {
        return new ObjectMapper().readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }
}
