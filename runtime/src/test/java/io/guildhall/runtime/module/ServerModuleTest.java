package io.guildhall.runtime.module;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.ApiClient.Reply;
import io.guildhall.runtime.testing.PluginJars;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A studio's server module, compiled against the SPI only and loaded from plugins/ by the real
 * server: hooks on every operation family change, reject and observe; RPCs over the wire exactly
 * as Nakama serves them; the accounts API bans for real.
 */
class ServerModuleTest {
    @TempDir
    static Path dir;
    static TestServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        Path plugins = dir.resolve("plugins");
        PluginJars.build(plugins.resolve("studio-hooks.jar"), Map.of(StudioModuleSource.CLASS, StudioModuleSource.SOURCE),
                Map.of("io.guildhall.spi.module.ServerModule", List.of(StudioModuleSource.CLASS)), PluginJars.spiClasspath());
        server = TestServer.start(dir.resolve("data"), "--plugins.dir=" + plugins, "--runtime.http_key=studio-http-key",
                "--modules.hooks.banned_prefix=evil-");
        api = server.client();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String device(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "");
    }

    private static Reply rpc(String id, String authorization, String jsonPayload) {
        return api.post("/v2/rpc/" + id, authorization, jsonPayload);
    }

    private static Reply serverRpc(String id, String payload) {
        return api.post("/v2/rpc/" + id + "?http_key=studio-http-key", null, ApiClient.json(payload));
    }

    private static String seen() {
        return serverRpc("seen", "").json().path("payload").asText();
    }

    @Test
    void beforeAuthenticateRejectsChangesAndTheChangedRequestIsValidated() {
        Reply banned = api.authenticate("device", null, ApiClient.json(Map.of("id", device("evil-"))));
        assertEquals(403, banned.status(), banned.toString());
        assertEquals(7, banned.code());
        assertEquals("This device is banned.", banned.message());

        String suffix = UUID.randomUUID().toString().replace("-", "");
        Reply rewritten = api.authenticate("device", null, ApiClient.json(Map.of("id", "rewrite-" + suffix)));
        assertEquals(200, rewritten.status(), rewritten.toString());
        String userId = rewritten.field("token").isEmpty() ? "" : accountOf(rewritten).path("user").path("id").asText();
        Reply found = serverRpc("lookup", "rewritten-" + suffix);
        assertTrue(found.json().path("payload").asText().startsWith(userId + "|"), "the hook's id was stored: " + found);
        assertEquals("none", serverRpc("lookup", "rewrite-" + suffix).json().path("payload").asText());

        Reply invalid = api.authenticate("device", null, ApiClient.json(Map.of("id", device("short-"))));
        assertEquals(400, invalid.status(), "the device id rules apply to what the hook returned: " + invalid);
        assertEquals("Device ID invalid, must be 10-128 bytes.", invalid.message());
    }

    @Test
    void afterAuthenticateObservesAndAFailingAfterHookIsNotSurfaced() {
        String id = device("seen-");
        Reply created = api.authenticate("device", null, ApiClient.json(Map.of("id", id)));
        assertEquals(200, created.status(), "an after hook that throws must not fail the sign-in: " + created);
        String userId = accountOf(created).path("user").path("id").asText();
        assertTrue(seen().contains("authenticate:" + id + ":" + userId + ":true"), seen());
    }

    @Test
    void linkAndUnlinkHooksRejectAndObserve() {
        Reply session = api.authenticate("device", null, ApiClient.json(Map.of("id", device("link-"))));
        String bearer = ApiClient.bearer(session.field("token"));
        Reply refused = api.post("/v2/account/link/custom", bearer, ApiClient.json(Map.of("id", "nolink-" + UUID.randomUUID())));
        assertEquals(400, refused.status(), refused.toString());
        assertEquals(9, refused.code());
        assertEquals("Linking this id is not allowed.", refused.message());

        String custom = "custom-" + UUID.randomUUID();
        assertEquals(200, api.post("/v2/account/link/custom", bearer, ApiClient.json(Map.of("id", custom))).status());
        assertEquals(200, api.post("/v2/account/unlink/custom", bearer, ApiClient.json(Map.of("id", custom))).status());
        String userId = accountOf(session).path("user").path("id").asText();
        assertTrue(seen().contains("link:" + userId + ":" + custom), seen());
        assertTrue(seen().contains("unlink:" + userId), seen());
    }

    @Test
    void refreshAndLogoutHooks() {
        Reply session = api.authenticate("device", null, ApiClient.json(Map.of("id", device("refresh-"), "vars", Map.of("a", "b"))));
        Reply refreshed = api.post("/v2/account/session/refresh", ApiClient.basic("defaultkey"),
                ApiClient.json(Map.of("token", session.field("refresh_token"))));
        assertEquals(200, refreshed.status(), refreshed.toString());
        JsonNode claims = claims(refreshed.field("token"));
        assertEquals("by-hook", claims.path("vrs").path("refreshed").asText(), "the before hook's vars were used: " + claims);
        String userId = claims.path("uid").asText();
        assertTrue(seen().contains("refresh:" + userId), seen());

        Reply denied = api.post("/v2/account/session/refresh", ApiClient.basic("defaultkey"),
                ApiClient.json(Map.of("token", session.field("refresh_token"), "vars", Map.of("deny", "yes"))));
        assertEquals(403, denied.status(), denied.toString());
        assertEquals("Refresh denied by the studio.", denied.message());

        Reply out = api.post("/v2/session/logout", ApiClient.bearer(refreshed.field("token")), "{}");
        assertEquals(200, out.status(), out.toString());
        assertTrue(seen().contains("logout:" + userId), seen());
    }

    @Test
    void accountHooks() {
        Reply session = api.authenticate("device", null, ApiClient.json(Map.of("id", device("account-"))));
        String bearer = ApiClient.bearer(session.field("token"));
        Reply rejected = api.send("PUT", "/v2/account", bearer, ApiClient.json(Map.of("display_name", "forbidden")));
        assertEquals(400, rejected.status(), rejected.toString());
        assertEquals("That display name is not allowed.", rejected.message());

        assertEquals(200, api.send("PUT", "/v2/account", bearer, ApiClient.json(Map.of("display_name", "quiet name"))).status());
        JsonNode account = api.get("/v2/account", bearer).json();
        assertEquals("QUIET NAME", account.path("user").path("display_name").asText(), "the before hook changed the update");
        String userId = account.path("user").path("id").asText();
        assertTrue(seen().contains("get:" + userId + ":" + account.path("user").path("username").asText()), seen());

        Reply tooLong = api.send("PUT", "/v2/account", bearer, ApiClient.json(Map.of("display_name", "x".repeat(300))));
        assertEquals(400, tooLong.status(), "validation runs on what the hook returned: " + tooLong);

        assertEquals(200, api.send("PUT", "/v2/account", bearer, ApiClient.json(Map.of("display_name", ""))).status());
        assertEquals(200, api.send("DELETE", "/v2/account", bearer, null).status());
        assertTrue(seen().contains("delete:" + userId), seen());
    }

    @Test
    void aBeforeHookCanRefuseADelete() {
        Reply session = api.authenticate("device", null, ApiClient.json(Map.of("id", device("keep-"))));
        String bearer = ApiClient.bearer(session.field("token"));
        Reply set = api.post("/v2/rpc/set-metadata", bearer, ApiClient.json("{\"keep\":true}"));
        assertEquals(200, set.status(), set.toString());
        assertEquals("{\"keep\":true}", api.get("/v2/account", bearer).json().path("user").path("metadata").asText());
        assertRpcError(api.post("/v2/rpc/set-metadata", bearer, ApiClient.json("[1,2]")), 400, 3, "Metadata must be a JSON object.");

        Reply refused = api.send("DELETE", "/v2/account", bearer, null);
        assertRpcError(refused, 400, 9, "This account cannot be deleted.");
        assertEquals(200, api.get("/v2/account", bearer).status(), "the account is still there");
    }

    @Test
    void rpcOverTheWireAsNakamaServesIt() {
        Reply session = api.authenticate("device", null, ApiClient.json(Map.of("id", device("rpc-"), "vars", Map.of("role", "tank"))));
        String bearer = ApiClient.bearer(session.field("token"));
        String userId = claims(session.field("token")).path("uid").asText();

        Reply echoed = rpc("echo", bearer, ApiClient.json("{\"hello\":1}"));
        assertEquals(200, echoed.status(), echoed.toString());
        assertEquals("{\"hello\":1}", echoed.json().path("payload").asText(), "the JSON string is unwrapped once");
        assertEquals("echo", echoed.json().path("id").asText());

        Reply who = rpc("whoami", bearer, null);
        assertEquals(userId + "|" + claims(session.field("token")).path("usn").asText() + "|tank|true", who.json().path("payload").asText());
        Reply server = api.post("/v2/rpc/whoami?http_key=studio-http-key", null, null);
        assertEquals("server|||false", server.json().path("payload").asText());
        Reply basic = api.post("/v2/rpc/whoami", ApiClient.basic("studio-http-key"), null);
        assertEquals("server|||false", basic.json().path("payload").asText());

        Reply get = api.get("/v2/rpc/echo?http_key=studio-http-key&payload="
                + URLEncoder.encode("{\"q\":2}", StandardCharsets.UTF_8), null);
        assertEquals("{\"q\":2}", get.json().path("payload").asText());

        Reply raw = api.send("POST", "/v2/rpc/echo?unwrap&http_key=studio-http-key", null, "{\"raw\":true}");
        assertEquals(200, raw.status());
        assertEquals("{\"raw\":true}", raw.text(), "unwrap sends and answers the payload as it is");

        assertRpcError(api.post("/v2/rpc/echo", null, null), 401, 16, "Auth token or HTTP key required");
        assertRpcError(api.post("/v2/rpc/echo?http_key=wrong", null, null), 401, 16, "HTTP key invalid");
        assertRpcError(api.post("/v2/rpc/echo", ApiClient.basic("wrong"), null), 401, 16, "HTTP key invalid");
        assertRpcError(api.post("/v2/rpc/echo", ApiClient.bearer("not.a.token"), null), 401, 16, "Auth token invalid");
        assertRpcError(rpc("nothere", bearer, null), 404, 5, "RPC function not found");
        assertRpcError(rpc("echo", bearer, "{\"not\":\"a string\"}"), 400, 3, null);
        assertRpcError(rpc("refuse", bearer, null), 400, 9, "Not now.");
        Reply boom = rpc("boom", bearer, null);
        assertRpcError(boom, 500, 13, "Internal Server Error");
        assertFalse(boom.text().contains("secret"), "no internal detail leaks: " + boom);
    }

    @Test
    void anRpcThatMayBlockRunsOnAWorkerAndOneThatNeverBlocksOnTheEventLoop() {
        String worker = serverRpc("thread", "").json().path("payload").asText();
        String eventLoop = serverRpc("fast-thread", "").json().path("payload").asText();
        assertTrue(worker.contains("task"), "a request worker: " + worker);
        assertTrue(eventLoop.contains("I/O"), "an XNIO IO thread: " + eventLoop);

        // a sign-in whose hooks all never block stays on the event loop, as without hooks
        assertEquals(200, api.authenticate("custom", null, ApiClient.json(Map.of("id", device("thread-")))).status());
        assertTrue(seen().lines().anyMatch(line -> line.startsWith("custom-thread:") && line.contains("I/O")), seen());
    }

    @Test
    void theAccountsApiBansDurablyAndEndsSessions() {
        String id = device("ban-");
        Reply session = api.authenticate("device", null, ApiClient.json(Map.of("id", id)));
        String userId = claims(session.field("token")).path("uid").asText();
        assertRpcError(rpc("ban", ApiClient.bearer(session.field("token")), ApiClient.json(userId)), 403, 7, "Servers only.");

        assertEquals("banned", serverRpc("ban", userId).json().path("payload").asText());
        assertEquals(401, api.get("/v2/account", ApiClient.bearer(session.field("token"))).status(), "the ban ended the session");
        Reply signIn = api.authenticate("device", null, ApiClient.json(Map.of("id", id)));
        assertEquals(403, signIn.status());
        assertEquals("User account banned.", signIn.message());
        assertTrue(serverRpc("lookup", id).json().path("payload").asText().endsWith("|true"));

        assertEquals("unbanned", serverRpc("unban", userId).json().path("payload").asText());
        assertEquals(200, api.authenticate("device", null, ApiClient.json(Map.of("id", id))).status());
        assertRpcError(serverRpc("ban", "not-a-uuid"), 400, 3, "Invalid user ID.");
        assertRpcError(serverRpc("ban", UUID.randomUUID().toString()), 404, 5, "Account not found.");
    }

    private static void assertRpcError(Reply reply, int status, int code, String message) {
        assertEquals(status, reply.status(), reply.toString());
        assertEquals(code, reply.code(), reply.toString());
        if (message != null) {
            assertEquals(message, reply.message(), reply.toString());
        }
    }

    private static JsonNode accountOf(Reply session) {
        return api.get("/v2/account", ApiClient.bearer(session.field("token"))).json();
    }

    private static JsonNode claims(String token) {
        try {
            byte[] payload = java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]);
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(payload);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
