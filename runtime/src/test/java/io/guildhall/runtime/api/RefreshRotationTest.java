package io.guildhall.runtime.api;

import static io.guildhall.runtime.api.ApiTestBase.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import io.guildhall.runtime.config.ConfigException;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code session.refresh_token_rotation}: each refresh token is accepted once, a reused one ends the
 * session, concurrent refreshes within the grace window share one new token, and all of it survives
 * a restart. (Without rotation, Nakama's behaviour, {@link SessionTest} shows old tokens stay valid.)
 */
class RefreshRotationTest {
    private static final String ROTATION = "--session.refresh_token_rotation=true";

    @TempDir
    Path dir;

    @Test
    void aReusedRefreshTokenEndsTheWholeSessionEvenAfterARestart() throws Exception {
        String first;
        String second;
        String secondSession;
        try (TestServer server = TestServer.start(dir, ROTATION, "--session.refresh_token_reuse_grace_sec=0")) {
            ApiClient api = server.client();
            ApiClient.Reply signIn = signIn(api);
            first = signIn.field("refresh_token");
            nextSecond(); // tokens minted in the same second are identical: let the rotation show
            ApiClient.Reply rotated = refresh(api, first);
            assertEquals(200, rotated.status(), rotated.toString());
            second = rotated.field("refresh_token");
            secondSession = rotated.field("token");
            assertNotEquals(first, second);
            assertEquals(200, account(api, secondSession));
        }
        try (TestServer server = TestServer.start(dir, ROTATION, "--session.refresh_token_reuse_grace_sec=0")) {
            ApiClient api = server.client();
            // the exchange was stored: the old token is reuse, and it revokes the session's tokens
            assertError(refresh(api, first), 401, 16, "Refresh token invalid or expired.");
            assertError(refresh(api, second), 401, 16, "Refresh token invalid or expired.");
            assertEquals(401, account(api, secondSession));
        }
        try (TestServer server = TestServer.start(dir, ROTATION)) {
            // ... for good
            assertError(refresh(server.client(), second), 401, 16, "Refresh token invalid or expired.");
        }
    }

    @Test
    void theCurrentTokenKeepsRotatingAndOtherSessionsAreUntouched() throws Exception {
        try (TestServer server = TestServer.start(dir, ROTATION, "--session.refresh_token_reuse_grace_sec=0")) {
            ApiClient api = server.client();
            String token = signIn(api).field("refresh_token");
            ApiClient.Reply other = signIn(api);
            for (int i = 0; i < 2; i++) {
                nextSecond();
                ApiClient.Reply rotated = refresh(api, token);
                assertEquals(200, rotated.status(), rotated.toString());
                assertNotEquals(token, rotated.field("refresh_token"));
                token = rotated.field("refresh_token");
            }
            assertEquals(200, refresh(api, token).status());
            // another session of the same kind of client is its own lineage
            assertEquals(200, refresh(api, other.field("refresh_token")).status());
        }
    }

    @Test
    void withinTheGraceWindowTheReplacedTokenGetsTheCurrentOne() throws Exception {
        try (TestServer server = TestServer.start(dir, ROTATION, "--session.refresh_token_reuse_grace_sec=60")) {
            ApiClient api = server.client();
            String first = signIn(api).field("refresh_token");
            nextSecond();
            String second = refresh(api, first).field("refresh_token");
            nextSecond();
            // a second call of the same client still held the first token
            ApiClient.Reply late = refresh(api, first);
            assertEquals(200, late.status(), late.toString());
            assertEquals(second, late.field("refresh_token"), "the same lineage, not a new branch");
            assertEquals(200, account(api, late.field("token")));
            assertEquals(200, refresh(api, second).status());
        }
    }

    @Test
    void negativeGraceIsRefusedAtStartUp() {
        ConfigException refused = assertThrows(ConfigException.class,
                () -> TestServer.start(dir, ROTATION, "--session.refresh_token_reuse_grace_sec=-1").close());
        assertEquals("session.refresh_token_reuse_grace_sec must not be negative", refused.getMessage());
    }

    private static ApiClient.Reply signIn(ApiClient api) {
        ApiClient.Reply reply = api.authenticate("custom", null,
                ApiClient.json(Map.of("id", "rotation" + UUID.randomUUID().toString().replace("-", ""))));
        assertEquals(200, reply.status(), reply.toString());
        return reply;
    }

    private static ApiClient.Reply refresh(ApiClient api, String refreshToken) {
        return api.post("/v2/account/session/refresh", ApiClient.basic("defaultkey"),
                ApiClient.json(Map.of("token", refreshToken, "vars", Map.of())));
    }

    private static int account(ApiClient api, String token) {
        return api.get("/v2/account", ApiClient.bearer(token)).status();
    }

    /** Token expiries have one-second resolution. */
    private static void nextSecond() throws InterruptedException {
        long second = System.currentTimeMillis() / 1000;
        while (System.currentTimeMillis() / 1000 == second) {
            Thread.sleep(20);
        }
    }
}
