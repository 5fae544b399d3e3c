package io.guildhall.runtime.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guildhall.runtime.testing.ApiClient;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AuthenticateTest extends ApiTestBase {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static JsonNode payload(String jwt) throws Exception {
        return MAPPER.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    static JsonNode header(String jwt) throws Exception {
        return MAPPER.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]));
    }

    @Test
    void deviceSignUpThenSignInReturnsTheSameUser() throws Exception {
        String device = unique("device-");
        ApiClient.Reply first = api.authenticate("device", "create=true&username=" + unique("u").substring(0, 12) + "&", ApiClient.json(Map.of("id", device)));
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.json().path("created").asBoolean());
        ApiClient.Reply second = api.authenticate("device", null, ApiClient.json(Map.of("id", device)));
        assertEquals(200, second.status());
        assertFalse(second.json().has("created"), "created is omitted for an existing account");
        assertEquals(payload(first.field("token")).get("uid"), payload(second.field("token")).get("uid"));
    }

    @Test
    void tokensCarryNakamasClaimsSignedWithHs256AndTheirOwnKeys() throws Exception {
        ApiClient.Reply reply = api.authenticate("custom", "username=claimsUser" + UUID.randomUUID().toString().substring(0, 8),
                ApiClient.json(Map.of("id", unique("custom"), "vars", Map.of("k", "v"))));
        String token = reply.field("token");
        String refresh = reply.field("refresh_token");
        JsonNode claims = payload(token);
        assertEquals("HS256", header(token).get("alg").asText());
        assertEquals("JWT", header(token).get("typ").asText());
        assertEquals(java.util.List.of("tid", "uid", "usn", "vrs", "exp", "iat"),
                iterableToList(claims.fieldNames()));
        assertTrue(claims.get("exp").isIntegralNumber());
        assertEquals(60, claims.get("exp").asLong() - claims.get("iat").asLong());
        assertEquals("v", claims.get("vrs").get("k").asText());
        UUID.fromString(claims.get("uid").asText());
        JsonNode refreshClaims = payload(refresh);
        assertEquals(claims.get("tid"), refreshClaims.get("tid"));
        assertEquals(3600, refreshClaims.get("exp").asLong() - refreshClaims.get("iat").asLong());
        assertNotEquals(token.split("\\.")[2], refresh.split("\\.")[2]);
    }

    private static java.util.List<String> iterableToList(java.util.Iterator<String> names) {
        java.util.List<String> list = new java.util.ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    @Test
    void serverKeyIsRequiredAndChecked() {
        String body = ApiClient.json(Map.of("id", unique("device-")));
        ApiClient.Reply missing = api.post("/v2/account/authenticate/device", null, body);
        assertError(missing, 401, 16, "Server key required");
        assertEquals("Server key required", missing.headers().firstValue("WWW-Authenticate").orElse(null));
        assertError(api.post("/v2/account/authenticate/device", ApiClient.basic("wrongkey"), body), 401, 16, "Server key invalid");
        assertError(api.post("/v2/account/authenticate/device", "Bearer abc", body), 401, 16, "Server key invalid");
        assertError(api.post("/v2/account/authenticate/device", "Basic !!!notbase64", body), 401, 16, "Server key invalid");
        assertError(api.post("/v2/account/authenticate/device",
                "Basic " + Base64.getEncoder().encodeToString("defaultkey".getBytes(StandardCharsets.UTF_8)), body),
                401, 16, "Server key invalid");
        assertError(api.post("/v2/account/authenticate/device", "basic " + ApiClient.basic("defaultkey").substring(6), body),
                401, 16, "Server key invalid");
    }

    @Test
    void deviceIdRules() {
        assertError(api.authenticate("device", null, "{}"), 400, 3, "Device ID is required.");
        assertError(api.authenticate("device", null, ApiClient.json(Map.of("account", Map.of("id", "wrapped-0123456")))),
                400, 3, "Device ID is required.");
        assertError(api.authenticate("device", null, ApiClient.json(Map.of("id", "has space 0123"))),
                400, 3, "Device ID invalid, no spaces or control characters allowed.");
        assertError(api.authenticate("device", null, ApiClient.json(Map.of("id", "short"))),
                400, 3, "Device ID invalid, must be 10-128 bytes.");
        assertError(api.authenticate("device", null, ApiClient.json(Map.of("id", "x".repeat(129)))),
                400, 3, "Device ID invalid, must be 10-128 bytes.");
        // Lengths are UTF-8 bytes: five two-byte letters make ten bytes, four and an 'a' nine.
        assertEquals(200, api.authenticate("device", null, ApiClient.json(Map.of("id", "ééééé"))).status());
        assertError(api.authenticate("device", null, ApiClient.json(Map.of("id", "ééééa"))),
                400, 3, "Device ID invalid, must be 10-128 bytes.");
    }

    @Test
    void customIdRules() {
        assertError(api.authenticate("custom", null, ApiClient.json(Map.of("id", ""))), 400, 3, "Custom ID is required.");
        assertError(api.authenticate("custom", null, ApiClient.json(Map.of("id", "tab\tid"))),
                400, 3, "Custom ID invalid, no spaces or control characters allowed.");
        assertError(api.authenticate("custom", null, ApiClient.json(Map.of("id", "abc"))),
                400, 3, "Custom ID invalid, must be 6-128 bytes.");
    }

    @Test
    void createFalseOnAMissingAccountIs404() {
        assertError(api.authenticate("custom", "create=false", ApiClient.json(Map.of("id", unique("nobody")))),
                404, 5, "User account not found.");
        assertError(api.authenticate("custom", "create=maybe", ApiClient.json(Map.of("id", unique("nobody")))),
                400, 3, "invalid value for bool field create: \"maybe\"");
        assertEquals(200, api.authenticate("custom", "create=T&", ApiClient.json(Map.of("id", unique("yes")))).status());
    }

    @Test
    void usernameRules() throws Exception {
        String name = "player" + UUID.randomUUID().toString().substring(0, 8);
        ApiClient.Reply created = api.authenticate("custom", "username=" + name, ApiClient.json(Map.of("id", unique("c"))));
        assertEquals(name, payload(created.field("token")).get("usn").asText());
        assertError(api.authenticate("custom", "username=" + name, ApiClient.json(Map.of("id", unique("c")))),
                409, 6, "Username is already in use.");
        assertError(api.authenticate("custom", "username=a%20b", ApiClient.json(Map.of("id", unique("c")))),
                400, 3, "Username invalid, no spaces or control characters allowed.");
        assertError(api.authenticate("custom", "username=a%5B%5Db", ApiClient.json(Map.of("id", unique("c")))),
                400, 3, "Username invalid, no spaces or control characters allowed.");
        assertError(api.authenticate("custom", "username=" + "u".repeat(129), ApiClient.json(Map.of("id", unique("c")))),
                400, 3, "Username invalid, must be 1-128 bytes.");
        String generated = payload(newAccount().field("token")).get("usn").asText();
        assertTrue(generated.matches("[a-zA-Z]{10}"), generated);
    }

    @Test
    void existingAccountKeepsItsUsernameButTheQueryIsStillValidated() throws Exception {
        String id = unique("c");
        ApiClient.Reply first = api.authenticate("custom", null, ApiClient.json(Map.of("id", id)));
        ApiClient.Reply again = api.authenticate("custom", "username=ignoredName1", ApiClient.json(Map.of("id", id)));
        assertEquals(payload(first.field("token")).get("usn"), payload(again.field("token")).get("usn"));
        assertError(api.authenticate("custom", "username=bad%20name", ApiClient.json(Map.of("id", id))),
                400, 3, "Username invalid, no spaces or control characters allowed.");
    }

    @Test
    void emailSignUpSignInAndWrongPassword() throws Exception {
        String email = unique("Player.").substring(0, 20) + "@Example.com";
        ApiClient.Reply created = api.authenticate("email", null, ApiClient.json(Map.of("email", email, "password", "correct-horse")));
        assertEquals(200, created.status(), created.toString());
        ApiClient.Reply again = api.authenticate("email", "create=false",
                ApiClient.json(Map.of("email", email.toLowerCase(), "password", "correct-horse")));
        assertEquals(200, again.status(), again.toString());
        assertEquals(payload(created.field("token")).get("uid"), payload(again.field("token")).get("uid"));
        assertError(api.authenticate("email", null, ApiClient.json(Map.of("email", email, "password", "wrong-horse"))),
                401, 16, "Invalid credentials.");
        String username = payload(created.field("token")).get("usn").asText();
        ApiClient.Reply byName = api.authenticate("email", "username=" + username,
                ApiClient.json(Map.of("password", "correct-horse")));
        assertEquals(200, byName.status(), byName.toString());
        assertError(api.authenticate("email", "username=" + username, ApiClient.json(Map.of("password", "wrong-horse"))),
                401, 16, "Invalid credentials.");
        assertError(api.authenticate("email", "username=" + unique("n").substring(0, 12), ApiClient.json(Map.of("password", "whatever-pw"))),
                404, 5, "User account not found.");
    }

    @Test
    void emailRules() {
        assertError(api.authenticate("email", null, ApiClient.json(Map.of("email", "a b@example.com", "password", "12345678"))),
                400, 3, "Invalid email address, no spaces or control characters allowed.");
        assertError(api.authenticate("email", null, ApiClient.json(Map.of("email", "no-at-sign.example.com", "password", "12345678"))),
                400, 3, "Invalid email address format.");
        assertError(api.authenticate("email", null, ApiClient.json(Map.of("email", "a@b.co", "password", "12345678"))),
                400, 3, "Invalid email address, must be 10-255 bytes.");
        assertError(api.authenticate("email", null, ApiClient.json(Map.of("email", "someone@example.com", "password", "short"))),
                400, 3, "Password must be at least 8 characters long.");
        assertError(api.authenticate("email", null, ApiClient.json(Map.of("email", "someone@example.com", "password", "p".repeat(73)))),
                400, 3, "Password must be at most 72 bytes.");
        assertError(api.authenticate("email", null, ApiClient.json(Map.of("password", "12345678"))),
                400, 3, "Username is required when email address is not supplied.");
    }

    @Test
    void concurrentSignUpsWithOneNewIdentifierShareOneAccount() throws Exception {
        String device = unique("race-");
        java.util.List<java.util.function.Supplier<ApiClient.Reply>> signUps = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            signUps.add(() -> api.authenticate("device", null, ApiClient.json(Map.of("id", device))));
        }
        java.util.Set<String> users = new java.util.HashSet<>();
        int created = 0;
        for (ApiClient.Reply reply : io.guildhall.runtime.testing.Concurrently.run(signUps)) {
            assertEquals(200, reply.status(), reply.toString());
            users.add(payload(reply.field("token")).get("uid").asText());
            created += reply.json().path("created").asBoolean() ? 1 : 0;
        }
        assertEquals(1, users.size(), "every sign-up got the same account");
        assertEquals(1, created, "exactly one of them created it");
    }

    @Test
    void unknownProviderIsNotFound() {
        assertError(api.authenticate("nosuchprovider", null, "{}"), 404, 5, "Not Found");
    }
}
