package io.guildhall.runtime.api;

import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Memory a client could pin: vars, token strings, identities per account. */
class LimitsTest extends ApiTestBase {
    @Test
    void varsBeyondTheirLimitsAre400OnSignInAndRefresh() {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 33; i++) {
            many.put("k" + i, "v");
        }
        assertError(api.authenticate("custom", null, ApiClient.json(Map.of("id", unique("c"), "vars", many))),
                400, 3, "Too many session vars: at most 32 are allowed.");
        Map<String, String> large = Map.of("k", "x".repeat(4096));
        assertError(api.authenticate("custom", null, ApiClient.json(Map.of("id", unique("c"), "vars", large))),
                400, 3, "Session vars are too large: at most 4096 bytes are allowed.");
        ApiClient.Reply session = newAccount();
        assertError(api.post("/v2/account/session/refresh", ApiClient.basic("defaultkey"),
                        ApiClient.json(Map.of("token", session.field("refresh_token"), "vars", large))),
                400, 3, "Session vars are too large: at most 4096 bytes are allowed.");
        // at the limit: minted, and the token can be presented in a header
        ApiClient.Reply full = api.authenticate("custom", null,
                ApiClient.json(Map.of("id", unique("c"), "vars", Map.of("k", "\"".repeat(2047)))));
        assertEquals(200, full.status(), full.toString());
        assertEquals(200, api.get("/v2/account", bearerOf(full)).status());
    }

    @Test
    void tokensLongerThanAnyTheServerMintsAre401() {
        ApiClient.Reply session = newAccount();
        String padded = session.field("token") + "A".repeat(12_000);
        assertError(api.get("/v2/account", ApiClient.bearer(padded)), 401, 16, "Auth token invalid");
        assertError(api.post("/v2/session/logout", bearerOf(session), ApiClient.json(Map.of("token", padded))),
                400, 3, "Session token invalid.");
    }

    @Test
    void identitiesPerAccountAreCapped(@TempDir Path dir) {
        try (TestServer capped = TestServer.start(dir, "--account.max_identities=3")) {
            ApiClient client = capped.client();
            ApiClient.Reply session = client.authenticate("custom", null, ApiClient.json(Map.of("id", unique("c"))));
            String bearer = ApiClient.bearer(session.field("token"));
            for (int i = 0; i < 2; i++) {
                assertEquals(200, client.post("/v2/account/link/device", bearer,
                        ApiClient.json(Map.of("id", unique("device-")))).status());
            }
            assertError(client.post("/v2/account/link/device", bearer, ApiClient.json(Map.of("id", unique("device-")))),
                    400, 9, "Account cannot hold more than 3 linked identities.");
            assertEquals(2, client.get("/v2/account", bearer).json().get("devices").size());
            // unlinking one makes room again
            String first = client.get("/v2/account", bearer).json().get("devices").get(0).get("id").asText();
            assertEquals(200, client.post("/v2/account/unlink/device", bearer, ApiClient.json(Map.of("id", first))).status());
            assertEquals(200, client.post("/v2/account/link/device", bearer,
                    ApiClient.json(Map.of("id", unique("device-")))).status());
        }
    }
}
