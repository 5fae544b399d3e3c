package io.guildhall.runtime.analytics;

import io.guildhall.runtime.testing.ApiClient;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The console's account lookup and ban over HTTP: every way to look up, bad input, and what a ban does. */
class ConsoleAccountsTest extends AnalyticsTestBase {
    @Test
    void lookUpEveryWayBanAndUnban() {
        ApiClient game = server.client();
        ApiClient.Reply created = game.authenticate("device", "create=true&username=lookup-target",
                ApiClient.json(Map.of("id", "lookup-device-0123456789")));
        assertEquals(200, created.status(), created.toString());
        String token = ApiClient.bearer(consoleToken());
        ApiClient.Reply byDevice = console.get("/v1/console/account?provider=device&subject=lookup-device-0123456789", token);
        assertEquals(200, byDevice.status(), byDevice.toString());
        String id = byDevice.json().path("account").path("id").asText();
        assertEquals("lookup-target", byDevice.json().path("account").path("username").asText());
        assertFalse(byDevice.json().path("account").path("banned").asBoolean());
        assertEquals(id, console.get("/v1/console/account?username=lookup-target", token).json().path("account").path("id").asText());
        assertEquals("lookup-target", console.get("/v1/console/account?id=" + id, token).json().path("account").path("username").asText());

        assertEquals(200, console.post("/v1/console/account/" + id + "/ban", token, "{}").status());
        assertTrue(console.get("/v1/console/account?id=" + id, token).json().path("account").path("banned").asBoolean());
        assertEquals(403, game.authenticate("device", null, ApiClient.json(Map.of("id", "lookup-device-0123456789"))).status());
        assertEquals(200, console.post("/v1/console/account/" + id + "/unban", token, "{}").status());
        assertEquals(200, game.authenticate("device", null, ApiClient.json(Map.of("id", "lookup-device-0123456789"))).status());

        assertEquals(404, console.get("/v1/console/account?username=nobody-here", token).status());
        assertEquals(400, console.get("/v1/console/account", token).status());
        assertEquals(400, console.get("/v1/console/account?id=" + id + "&username=lookup-target", token).status());
        assertEquals(400, console.get("/v1/console/account?provider=device", token).status());
        assertEquals(3, console.get("/v1/console/account?id=not-a-uuid", token).code());
        assertEquals(400, console.post("/v1/console/account/not-a-uuid/ban", token, "{}").status());
        assertEquals(404, console.post("/v1/console/account/00000000-0000-7000-8000-000000000000/ban", token, "{}").status());
        assertEquals(401, console.get("/v1/console/account?username=lookup-target", null).status());
        assertEquals(401, console.post("/v1/console/account/" + id + "/ban", null, "{}").status());
        assertEquals(200, console.get("/console/", null).status());
        assertEquals(404, console.get("/console/../conf/guildhall.yml", null).status());
        assertEquals(404, console.get("/console/secret.txt", null).status());
    }
}
