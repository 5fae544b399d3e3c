package io.guildhall.runtime.social;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.PlatformStandIn;
import io.guildhall.runtime.testing.PlatformStandIn.Reply;
import io.guildhall.runtime.testing.SettableClock;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Game Center sign-in, link and unlink through the real server against a stand-in key host. */
class GameCenterSignInTest {
    private static final String FAILED = "Could not authenticate GameCenter profile.";
    private static final long WINDOW_MS = 300_000;

    @TempDir
    static Path dir;
    static final SettableClock clock = new SettableClock(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    static GameCenterStandIn gameCenter;
    /** The stand-in's flags: bundle id list, 127.0.0.1 allowed, http allowed, the test CA trusted. */
    static TestServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        gameCenter = new GameCenterStandIn(dir, clock.instant());
        server = TestServer.start(dir.resolve("server"), clock, gameCenter.flags());
        api = server.client();
    }

    @AfterAll
    static void stop() {
        server.close();
        gameCenter.close();
    }

    @Test
    void signInCreatesTheAccountThenFindsIt() {
        String player = GameCenterStandIn.newPlayerId();
        ApiClient.Reply first = signIn(api, gameCenter.credentials(player, clock.millis()), "");
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.json().path("created").asBoolean(), first.toString());

        ApiClient.Reply second = signIn(api, gameCenter.credentials(player, clock.millis()), "");
        assertEquals(200, second.status(), second.toString());
        assertFalse(second.json().has("created"), second.toString());

        JsonNode account = account(api, second);
        assertEquals(account(api, first).path("user").path("id").asText(), account.path("user").path("id").asText());
        assertEquals(player, account.path("user").path("gamecenter_id").asText());
    }

    @Test
    void theCertificateIsFetchedOncePerUrl() {
        KeyPair keys = GameCenterStandIn.rsaKeys();
        Instant now = clock.instant();
        String path = "/public-key/cached.cer";
        String url = gameCenter.serve(path, gameCenter.issue(keys, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))));
        for (int i = 0; i < 3; i++) {
            ApiClient.Reply reply = signIn(api, GameCenterStandIn.credentials(GameCenterStandIn.newPlayerId(),
                    GameCenterStandIn.BUNDLE_ID, clock.millis(), url, keys.getPrivate()), "");
            assertEquals(200, reply.status(), reply.toString());
        }
        assertEquals(1, gameCenter.platform().hits(path));
    }

    @Test
    void createFalseDoesNotCreate() {
        ApiClient.Reply reply = signIn(api, gameCenter.credentials(GameCenterStandIn.newPlayerId(), clock.millis()), "create=false");
        assertError(reply, 404, 5, "User account not found.");
    }

    @Test
    void linkThenUnlinkWithAllSixFields() {
        ApiClient.Reply session = customAccount(api);
        String player = GameCenterStandIn.newPlayerId();
        ApiClient.Reply link = link(session, gameCenter.credentials(player, clock.millis()));
        assertEquals(200, link.status(), link.toString());
        assertEquals("{}", link.text());
        assertEquals(player, account(api, session).path("user").path("gamecenter_id").asText());

        ApiClient.Reply unlink = unlink(session, gameCenter.credentials(player, clock.millis()));
        assertEquals(200, unlink.status(), unlink.toString());
        assertFalse(account(api, session).path("user").has("gamecenter_id"));
    }

    @Test
    void unlinkVerifiesOnlyWhenAllSixFieldsArePresent() {
        ApiClient.Reply session = customAccount(api);
        String player = GameCenterStandIn.newPlayerId();
        assertEquals(200, link(session, gameCenter.credentials(player, clock.millis())).status());

        Map<String, Object> forged = gameCenter.credentials(player, clock.millis());
        forged.put("signature", gameCenter.credentials("someone-else", clock.millis()).get("signature"));
        assertError(unlink(session, forged), 401, 16, FAILED);
        assertEquals(player, account(api, session).path("user").path("gamecenter_id").asText());

        // Five of six fields: nothing is verified and the identity is unlinked whatever it is.
        Map<String, Object> partial = gameCenter.credentials(player, clock.millis());
        partial.remove("signature");
        ApiClient.Reply unlink = unlink(session, partial);
        assertEquals(200, unlink.status(), unlink.toString());
        assertFalse(account(api, session).path("user").has("gamecenter_id"));
    }

    @Test
    void linkingAPlayerHeldByAnotherAccountConflicts() {
        String player = GameCenterStandIn.newPlayerId();
        assertEquals(200, signIn(api, gameCenter.credentials(player, clock.millis()), "").status());
        ApiClient.Reply link = link(customAccount(api), gameCenter.credentials(player, clock.millis()));
        assertError(link, 409, 6, "GameCenter ID is already in use.");
    }

    @Test
    void aStaleTimestampIsRefused() {
        long now = clock.millis();
        assertError(signIn(api, gameCenter.credentials(GameCenterStandIn.newPlayerId(), now - WINDOW_MS - 1000), ""),
                401, 16, FAILED);
        assertEquals(200, signIn(api, gameCenter.credentials(GameCenterStandIn.newPlayerId(), now - WINDOW_MS + 1000), "")
                .status(), "just inside the window");
        // The same credentials replayed once the window has passed.
        Map<String, Object> credentials = gameCenter.credentials(GameCenterStandIn.newPlayerId(), now);
        assertEquals(200, signIn(api, credentials, "").status());
        Instant before = clock.instant();
        clock.advance(Duration.ofMillis(WINDOW_MS + 1000));
        try {
            assertError(signIn(api, credentials, ""), 401, 16, FAILED);
        } finally {
            clock.set(before);
        }
    }

    @Test
    void aTimestampInTheFutureBeyondTheWindowIsRefused() {
        long now = clock.millis();
        assertError(signIn(api, gameCenter.credentials(GameCenterStandIn.newPlayerId(), now + WINDOW_MS + 1000), ""),
                401, 16, FAILED);
        assertEquals(200, signIn(api, gameCenter.credentials(GameCenterStandIn.newPlayerId(), now + 60_000), "").status(),
                "a device clock a minute ahead is tolerated");
    }

    @Test
    void theTimestampIsReadAsMilliseconds() {
        // GameKit returns milliseconds; the same instant in seconds reads as January 1970.
        assertError(signIn(api, gameCenter.credentials(GameCenterStandIn.newPlayerId(), clock.millis() / 1000), ""),
                401, 16, FAILED);
    }

    @Test
    void aKeyUrlOnAHostNotAllowedIsNeverFetched() {
        String localhost = gameCenter.keyUrl().replace("127.0.0.1", "localhost");
        int before = gameCenter.platform().hits(GameCenterStandIn.KEY_PATH);
        for (String url : List.of(localhost, "http://static.gc.apple.com.127.0.0.1.nip.io/public-key/gc-prod-4.cer",
                gameCenter.keyUrl().replace("http://", "http://user@"), "ftp://127.0.0.1/public-key/x.cer", "not a url")) {
            Map<String, Object> credentials = gameCenter.credentials(GameCenterStandIn.newPlayerId(), clock.millis());
            credentials.put("public_key_url", url);
            assertError(signIn(api, credentials, ""), 401, 16, FAILED);
        }
        assertEquals(before, gameCenter.platform().hits(GameCenterStandIn.KEY_PATH));
    }

    @Test
    void aKeyUrlWithoutPathOrWithAQueryIsRefused() {
        String root = gameCenter.platform().url("");
        gameCenter.platform().route("/", Reply.status(500));
        int before = gameCenter.platform().hits(GameCenterStandIn.KEY_PATH);
        for (String url : List.of(root, root + "/", gameCenter.keyUrl() + "?v=1", gameCenter.keyUrl() + "#x")) {
            Map<String, Object> credentials = gameCenter.credentials(GameCenterStandIn.newPlayerId(), clock.millis());
            credentials.put("public_key_url", url);
            assertError(signIn(api, credentials, ""), 401, 16, FAILED);
        }
        assertEquals(0, gameCenter.platform().hits("/"));
        assertEquals(before, gameCenter.platform().hits(GameCenterStandIn.KEY_PATH));
    }

    @Test
    void httpIsRefusedWhenHttpsIsRequired() {
        String[] flags = List.of(gameCenter.flags()).stream()
                .filter(f -> !f.startsWith("--social.gamecenter.require_https")).toArray(String[]::new);
        try (TestServer strict = TestServer.start(dir.resolve("https-required"), clock, flags)) {
            int before = gameCenter.platform().hits(GameCenterStandIn.KEY_PATH);
            ApiClient.Reply reply = signIn(strict.client(), gameCenter.credentials(GameCenterStandIn.newPlayerId(), clock.millis()), "");
            assertError(reply, 401, 16, FAILED);
            assertEquals(before, gameCenter.platform().hits(GameCenterStandIn.KEY_PATH), "never fetched over http");
        }
    }

    @Test
    void aSelfSignedCertificateIsRefused() {
        KeyPair keys = GameCenterStandIn.rsaKeys();
        String url = gameCenter.serve("/public-key/self-signed.cer", GameCenterStandIn.selfSigned(keys,
                clock.instant().minus(Duration.ofDays(1)), clock.instant().plus(Duration.ofDays(30))));
        Map<String, Object> credentials = GameCenterStandIn.credentials(GameCenterStandIn.newPlayerId(),
                GameCenterStandIn.BUNDLE_ID, clock.millis(), url, keys.getPrivate());
        assertError(signIn(api, credentials, ""), 401, 16, FAILED);
        assertEquals(1, gameCenter.platform().hits("/public-key/self-signed.cer"), "fetched, then refused by the trust check");
    }

    @Test
    void anExpiredOrNotYetValidCertificateIsRefused() {
        KeyPair keys = GameCenterStandIn.rsaKeys();
        Instant now = clock.instant();
        String expired = gameCenter.serve("/public-key/expired.cer",
                gameCenter.issue(keys, now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1))));
        String future = gameCenter.serve("/public-key/future.cer",
                gameCenter.issue(keys, now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))));
        for (String url : List.of(expired, future)) {
            Map<String, Object> credentials = GameCenterStandIn.credentials(GameCenterStandIn.newPlayerId(),
                    GameCenterStandIn.BUNDLE_ID, clock.millis(), url, keys.getPrivate());
            assertError(signIn(api, credentials, ""), 401, 16, FAILED);
        }
    }

    @Test
    void aCachedCertificateIsRefusedOnceItExpires() {
        KeyPair keys = GameCenterStandIn.rsaKeys();
        Instant now = clock.instant();
        String url = gameCenter.serve("/public-key/short-lived.cer",
                gameCenter.issue(keys, now.minus(Duration.ofDays(1)), now.plus(Duration.ofMinutes(10))));
        String player = GameCenterStandIn.newPlayerId();
        assertEquals(200, signIn(api, GameCenterStandIn.credentials(player, GameCenterStandIn.BUNDLE_ID, clock.millis(), url,
                keys.getPrivate()), "").status());
        clock.advance(Duration.ofMinutes(11));
        try {
            assertError(signIn(api, GameCenterStandIn.credentials(player, GameCenterStandIn.BUNDLE_ID, clock.millis(), url,
                    keys.getPrivate()), ""), 401, 16, FAILED);
        } finally {
            clock.set(now);
        }
    }

    @Test
    void aBadSignatureIsRefused() {
        String player = GameCenterStandIn.newPlayerId();
        Map<String, Object> otherKey = GameCenterStandIn.credentials(player, GameCenterStandIn.BUNDLE_ID, clock.millis(),
                gameCenter.keyUrl(), GameCenterStandIn.rsaKeys().getPrivate());
        assertError(signIn(api, otherKey, ""), 401, 16, FAILED);

        Map<String, Object> otherPlayer = gameCenter.credentials(player, clock.millis());
        otherPlayer.put("player_id", GameCenterStandIn.newPlayerId());
        assertError(signIn(api, otherPlayer, ""), 401, 16, FAILED);

        Map<String, Object> otherTime = gameCenter.credentials(player, clock.millis());
        otherTime.put("timestamp_seconds", clock.millis() - 1);
        assertError(signIn(api, otherTime, ""), 401, 16, FAILED);

        Map<String, Object> otherSalt = gameCenter.credentials(player, clock.millis());
        otherSalt.put("salt", gameCenter.credentials(player, clock.millis()).get("salt"));
        assertError(signIn(api, otherSalt, ""), 401, 16, FAILED);

        for (String field : List.of("salt", "signature")) {
            Map<String, Object> garbled = gameCenter.credentials(player, clock.millis());
            garbled.put(field, "not*base64!");
            assertError(signIn(api, garbled, ""), 401, 16, FAILED);
        }
    }

    @Test
    void aBundleIdNotInTheListIsRefused() {
        Map<String, Object> credentials = gameCenter.credentials(GameCenterStandIn.newPlayerId(), "com.example.other", clock.millis());
        assertError(signIn(api, credentials, ""), 401, 16, FAILED);
    }

    @Test
    void withoutABundleIdListAnyBundleIdIsAccepted() {
        String[] flags = List.of(gameCenter.flags()).stream()
                .filter(f -> !f.startsWith("--social.gamecenter.bundle_ids")).toArray(String[]::new);
        try (TestServer any = TestServer.start(dir.resolve("any-bundle"), clock, flags)) {
            Map<String, Object> credentials = gameCenter.credentials(GameCenterStandIn.newPlayerId(), "com.example.other",
                    clock.millis());
            ApiClient.Reply reply = signIn(any.client(), credentials, "");
            assertEquals(200, reply.status(), reply.toString());
        }
    }

    @Test
    void anUnreadableTrustedCaFileStopsStartUp() throws Exception {
        Path garbage = java.nio.file.Files.writeString(dir.resolve("not-a-ca.pem"), "not a certificate");
        for (Path file : List.of(dir.resolve("missing.pem"), garbage)) {
            RuntimeException error = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                    () -> TestServer.start(dir.resolve("bad-ca-" + file.getFileName()), clock,
                            "--social.gamecenter.trusted_ca_file=" + file).close());
            assertTrue(error.getMessage().contains("social.gamecenter.trusted_ca_file"), error.getMessage());
        }
    }

    @Test
    void aPemCertificateIsAcceptedToo() {
        KeyPair keys = GameCenterStandIn.rsaKeys();
        Instant now = clock.instant();
        String url = gameCenter.servePem("/public-key/pem.cer",
                gameCenter.issue(keys, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(30))));
        ApiClient.Reply reply = signIn(api, GameCenterStandIn.credentials(GameCenterStandIn.newPlayerId(),
                GameCenterStandIn.BUNDLE_ID, clock.millis(), url, keys.getPrivate()), "");
        assertEquals(200, reply.status(), reply.toString());
    }

    @Test
    void aKeyHostThatIsDownOrAnswersGarbageIsRefused() {
        String garbage = gameCenter.platform().url("/public-key/garbage.cer");
        gameCenter.platform().route("/public-key/garbage.cer", Reply.bytes("not a certificate".getBytes()));
        String missing = gameCenter.platform().url("/public-key/missing.cer");
        for (String url : List.of(garbage, missing)) {
            Map<String, Object> credentials = gameCenter.credentials(GameCenterStandIn.newPlayerId(), clock.millis());
            credentials.put("public_key_url", url);
            assertError(signIn(api, credentials, ""), 401, 16, FAILED);
        }
        String downUrl = gameCenter.serve("/public-key/down.cer", gameCenter.issue(GameCenterStandIn.rsaKeys(),
                clock.instant().minus(Duration.ofDays(1)), clock.instant().plus(Duration.ofDays(1))));
        gameCenter.platform().mode(PlatformStandIn.Mode.DOWN);
        try {
            Map<String, Object> credentials = gameCenter.credentials(GameCenterStandIn.newPlayerId(), clock.millis());
            credentials.put("public_key_url", downUrl);
            assertError(signIn(api, credentials, ""), 401, 16, FAILED);
        } finally {
            gameCenter.platform().mode(PlatformStandIn.Mode.UP);
        }
    }

    @Test
    void eachMissingFieldHasItsOwnMessage() {
        assertError(api.authenticate("gamecenter", null, ""), 400, 3, "GameCenter access credentials are required.");
        assertError(api.authenticate("gamecenter", null, "{}"), 400, 3, "GameCenter access credentials are required.");
        ApiClient.Reply session = customAccount(api);
        // Link has no "credentials are required" message: it starts with the bundle id.
        assertError(api.post("/v2/account/link/gamecenter", ApiClient.bearer(session.field("token")), "{}"),
                400, 3, "GameCenter bundle ID is required.");

        Map<String, String> messages = new LinkedHashMap<>();
        messages.put("bundle_id", "GameCenter bundle ID is required.");
        messages.put("player_id", "GameCenter player ID is required.");
        messages.put("public_key_url", "GameCenter public key URL is required.");
        messages.put("salt", "GameCenter salt is required.");
        messages.put("signature", "GameCenter signature is required.");
        messages.put("timestamp_seconds", "GameCenter timestamp is required.");
        for (Map.Entry<String, String> field : messages.entrySet()) {
            Map<String, Object> without = gameCenter.credentials(GameCenterStandIn.newPlayerId(), clock.millis());
            without.remove(field.getKey());
            assertError(signIn(api, without, ""), 400, 3, field.getValue());
            assertError(link(session, without), 400, 3, field.getValue());
            Map<String, Object> empty = gameCenter.credentials(GameCenterStandIn.newPlayerId(), clock.millis());
            empty.put(field.getKey(), field.getKey().equals("timestamp_seconds") ? 0 : "");
            assertError(signIn(api, empty, ""), 400, 3, field.getValue());
        }
        // In Nakama's order: the first missing field is the one named.
        Map<String, Object> onlyTimestamp = Map.of("timestamp_seconds", clock.millis());
        assertError(signIn(api, onlyTimestamp, ""), 400, 3, "GameCenter bundle ID is required.");
        Map<String, Object> bundleOnly = Map.of("bundle_id", GameCenterStandIn.BUNDLE_ID, "salt", "AAAA");
        assertError(signIn(api, bundleOnly, ""), 400, 3, "GameCenter player ID is required.");
    }

    private static ApiClient.Reply signIn(ApiClient client, Map<String, Object> credentials, String query) {
        return client.authenticate("gamecenter", query, ApiClient.json(credentials));
    }

    private static ApiClient.Reply link(ApiClient.Reply session, Map<String, Object> credentials) {
        return api.post("/v2/account/link/gamecenter", ApiClient.bearer(session.field("token")), ApiClient.json(credentials));
    }

    private static ApiClient.Reply unlink(ApiClient.Reply session, Map<String, Object> credentials) {
        return api.post("/v2/account/unlink/gamecenter", ApiClient.bearer(session.field("token")), ApiClient.json(credentials));
    }

    private static ApiClient.Reply customAccount(ApiClient client) {
        ApiClient.Reply reply = client.authenticate("custom", null,
                ApiClient.json(Map.of("id", "c" + UUID.randomUUID().toString().replace("-", ""))));
        assertEquals(200, reply.status(), reply.toString());
        return reply;
    }

    private static JsonNode account(ApiClient client, ApiClient.Reply session) {
        ApiClient.Reply reply = client.get("/v2/account", ApiClient.bearer(session.field("token")));
        assertEquals(200, reply.status(), reply.toString());
        return reply.json();
    }

    private static void assertError(ApiClient.Reply reply, int status, int code, String message) {
        assertEquals(status, reply.status(), reply.toString());
        assertEquals(code, reply.code(), reply.toString());
        assertEquals(message, reply.message(), reply.toString());
    }
}
