package io.guildhall.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.testing.ApiClient;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.guildhall.runtime.api.AuthenticateTest.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AccountTest extends ApiTestBase {
    private static JsonNode account(ApiClient.Reply session) {
        ApiClient.Reply reply = api.get("/v2/account", bearerOf(session));
        assertEquals(200, reply.status(), reply.toString());
        return reply.json();
    }

    private static ApiClient.Reply put(ApiClient.Reply session, Map<String, ?> body) {
        return api.send("PUT", "/v2/account", bearerOf(session), ApiClient.json(body));
    }

    @Test
    void newAccountHasNakamasDefaultsAndOmitsZeroValues() throws Exception {
        String customId = unique("c");
        ApiClient.Reply session = api.authenticate("custom", null, ApiClient.json(Map.of("id", customId)));
        JsonNode account = account(session);
        JsonNode user = account.get("user");
        assertEquals(payload(session.field("token")).get("uid").asText(), user.get("id").asText());
        assertEquals("{}", account.get("wallet").asText());
        assertEquals("{}", user.get("metadata").asText());
        assertEquals("en", user.get("lang_tag").asText());
        assertEquals(customId, account.get("custom_id").asText());
        Instant created = Instant.parse(user.get("create_time").asText());
        assertTrue(user.get("create_time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
        assertTrue(Math.abs(created.getEpochSecond() - Instant.now().getEpochSecond()) < 60);
        for (String absent : new String[]{"devices", "email", "verify_time", "disable_time"}) {
            assertFalse(account.has(absent), absent + " should be omitted: " + account);
        }
        for (String absent : new String[]{"online", "edge_count", "display_name", "facebook_id", "apple_id"}) {
            assertFalse(user.has(absent), absent + " should be omitted: " + user);
        }
    }

    @Test
    void linkAndUnlinkIdentities() throws Exception {
        ApiClient.Reply session = newAccount();
        String device = unique("device-");
        assertEquals("{}", api.post("/v2/account/link/device", bearerOf(session), ApiClient.json(Map.of("id", device))).text());
        assertEquals(device, account(session).get("devices").get(0).get("id").asText());
        ApiClient.Reply viaDevice = api.authenticate("device", "create=false", ApiClient.json(Map.of("id", device)));
        assertEquals(payload(session.field("token")).get("uid"), payload(viaDevice.field("token")).get("uid"));
        // Linking what one already holds succeeds; what another user holds is a conflict.
        assertEquals(200, api.post("/v2/account/link/device", bearerOf(session), ApiClient.json(Map.of("id", device))).status());
        ApiClient.Reply other = newAccount();
        assertError(api.post("/v2/account/link/device", bearerOf(other), ApiClient.json(Map.of("id", device))),
                409, 6, "Device ID already in use.");

        assertEquals(200, api.post("/v2/account/unlink/device", bearerOf(session), ApiClient.json(Map.of("id", device))).status());
        assertFalse(account(session).has("devices"));
        assertError(api.authenticate("device", "create=false", ApiClient.json(Map.of("id", device))), 404, 5, "User account not found.");
    }

    @Test
    void linkCustomReplacesTheOldIdAndEmailLinkSetsAPassword() {
        ApiClient.Reply session = api.authenticate("device", null, ApiClient.json(Map.of("id", unique("device-"))));
        String first = unique("c1");
        String second = unique("c2");
        assertEquals(200, api.post("/v2/account/link/custom", bearerOf(session), ApiClient.json(Map.of("id", first))).status());
        assertEquals(200, api.post("/v2/account/link/custom", bearerOf(session), ApiClient.json(Map.of("id", second))).status());
        assertEquals(second, account(session).get("custom_id").asText());
        assertEquals(404, api.authenticate("custom", "create=false", ApiClient.json(Map.of("id", first))).status());
        assertError(api.post("/v2/account/link/custom", bearerOf(session), ApiClient.json(Map.of("id", "a b c d"))),
                400, 3, "Invalid custom ID, no spaces or control characters allowed.");
        assertError(api.post("/v2/account/link/custom", bearerOf(newAccount()), ApiClient.json(Map.of("id", second))),
                409, 6, "Custom ID is already in use.");

        String email = unique("m").substring(0, 16) + "@example.com";
        assertError(api.post("/v2/account/link/email", bearerOf(session), ApiClient.json(Map.of("email", email))),
                400, 3, "Email address and password is required.");
        assertEquals(200, api.post("/v2/account/link/email", bearerOf(session),
                ApiClient.json(Map.of("email", email.toUpperCase(), "password", "linked-password"))).status());
        assertEquals(email, account(session).get("email").asText());
        assertEquals(200, api.authenticate("email", "create=false",
                ApiClient.json(Map.of("email", email, "password", "linked-password"))).status());
        assertEquals(200, api.post("/v2/account/unlink/email", bearerOf(session), ApiClient.json(Map.of("email", email))).status());
        assertFalse(account(session).has("email"));
    }

    @Test
    void theLastIdentityCannotBeUnlinked() {
        String customId = unique("c");
        ApiClient.Reply session = api.authenticate("custom", null, ApiClient.json(Map.of("id", customId)));
        String message = "Cannot unlink last account identifier. Check profile exists and is not last link.";
        assertError(api.post("/v2/account/unlink/custom", bearerOf(session), ApiClient.json(Map.of("id", customId))), 403, 7, message);
        assertError(api.post("/v2/account/unlink/custom", bearerOf(session), "{}"), 403, 7, message);
        assertError(api.post("/v2/account/unlink/device", bearerOf(session), "{}"), 400, 3, "A device ID must be supplied.");
        assertError(api.post("/v2/account/unlink/device", bearerOf(session), ApiClient.json(Map.of("id", unique("not-mine")))),
                403, 7, message);
        String device = unique("device-");
        api.post("/v2/account/link/device", bearerOf(session), ApiClient.json(Map.of("id", device)));
        assertError(api.post("/v2/account/unlink/custom", bearerOf(session), ApiClient.json(Map.of("id", unique("other")))), 403, 7, message);
        assertEquals(200, api.post("/v2/account/unlink/custom", bearerOf(session), "{}").status());
        assertFalse(account(session).has("custom_id"));
        assertError(api.post("/v2/account/unlink/device", bearerOf(session), ApiClient.json(Map.of("id", device))), 403, 7, message);
    }

    @Test
    void updateAccount() {
        ApiClient.Reply session = newAccount();
        assertEquals("{}", put(session, Map.of("display_name", "Ada", "avatarUrl", "https://example.com/a.png",
                "lang_tag", "fr", "location", "Paris", "timezone", "Europe/Paris")).text());
        JsonNode user = account(session).get("user");
        assertEquals("Ada", user.get("display_name").asText());
        assertEquals("https://example.com/a.png", user.get("avatar_url").asText());
        assertEquals("fr", user.get("lang_tag").asText());
        assertEquals("Paris", user.get("location").asText());
        assertEquals("Europe/Paris", user.get("timezone").asText());
        assertEquals(200, put(session, Map.of("username", user.get("username").asText())).status(), "same username is a no-op");
        assertEquals(200, put(session, Map.of("display_name", "")).status());
        assertFalse(account(session).get("user").has("display_name"), "an empty string clears the field");

        assertError(put(session, Map.of()), 400, 3, "No fields to update.");
        assertError(put(session, Map.of("username", "")), 400, 3, "Username invalid, must be 1-128 bytes.");
        assertError(put(session, Map.of("username", "two words")), 400, 3, "Username invalid, no spaces or control characters allowed.");
        assertError(put(session, Map.of("display_name", "x".repeat(256))), 400, 3, "Display name invalid, must be at most 255 characters.");
        assertError(put(session, Map.of("display_name", 42)), 400, 3, "invalid value for string field display_name: 42");
        String taken = account(newAccount()).get("user").get("username").asText();
        assertError(put(session, Map.of("username", taken)), 400, 3, "Username is already in use.");
    }

    @Test
    void deleteRemovesTheAccountAndEndsItsSessions() {
        String customId = unique("c");
        ApiClient.Reply session = api.authenticate("custom", null, ApiClient.json(Map.of("id", customId)));
        assertEquals("{}", api.send("DELETE", "/v2/account", bearerOf(session), null).text());
        assertEquals(401, api.get("/v2/account", bearerOf(session)).status());
        assertEquals(404, api.authenticate("custom", "create=false", ApiClient.json(Map.of("id", customId))).status());
        ApiClient.Reply again = api.authenticate("custom", null, ApiClient.json(Map.of("id", customId)));
        assertTrue(again.json().path("created").asBoolean(), "the identifier is free again");
    }

    @Test
    void getUsersByIdAndUsername() throws Exception {
        ApiClient.Reply me = newAccount();
        ApiClient.Reply a = newAccount();
        ApiClient.Reply b = newAccount();
        String idA = payload(a.field("token")).get("uid").asText();
        String nameB = payload(b.field("token")).get("usn").asText();
        ApiClient.Reply found = api.get("/v2/user?ids=" + idA + "&usernames=" + nameB + "&usernames=nobody" + UUID.randomUUID().toString().substring(0, 6) + "&", bearerOf(me));
        assertEquals(200, found.status(), found.toString());
        assertEquals(2, found.json().get("users").size());
        assertEquals(idA, found.json().get("users").get(0).get("id").asText());
        assertEquals(nameB, found.json().get("users").get(1).get("username").asText());
        assertEquals("{}", api.get("/v2/user", bearerOf(me)).text());
        assertError(api.get("/v2/user?ids=not-an-id", bearerOf(me)), 400, 3, "ID 'not-an-id' is not a valid system ID.");
    }
}
