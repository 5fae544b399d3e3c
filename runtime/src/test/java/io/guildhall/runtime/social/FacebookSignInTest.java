package io.guildhall.runtime.social;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.PlatformStandIn;
import io.guildhall.runtime.testing.PlatformStandIn.Mode;
import io.guildhall.runtime.testing.PlatformStandIn.Reply;
import io.guildhall.runtime.testing.SettableClock;
import io.guildhall.runtime.testing.TestServer;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.NumericDate;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.guildhall.runtime.social.FacebookStandIn.DEBUG_TOKEN_PATH;
import static io.guildhall.runtime.social.FacebookStandIn.JWKS_PATH;
import static io.guildhall.runtime.social.FacebookStandIn.ME_PATH;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The facebook provider in the real server against {@link FacebookStandIn}: Limited Login tokens
 * verified with keys generated here, classic tokens confirmed by debug_token before /me is trusted.
 */
class FacebookSignInTest {
    static final String REFUSED = "Could not authenticate Facebook profile.";
    /** The shared client's deadline for this server: a hung Graph answers 16 within it. */
    private static final int HTTP_TIMEOUT_MS = 1000;

    @TempDir
    static Path dataDir;
    static final SettableClock clock = new SettableClock(Instant.parse("2026-03-01T10:00:00Z"));
    static FacebookStandIn facebook;
    static TestServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        facebook = FacebookStandIn.start();
        server = TestServer.start(dataDir, clock, with(facebook.flags(), "--plugins.http_timeout_ms=" + HTTP_TIMEOUT_MS));
        api = server.client();
    }

    @AfterAll
    static void stop() {
        server.close();
        facebook.close();
    }

    @AfterEach
    void platformBackToNormal() {
        facebook.platform().mode(Mode.UP);
        facebook.serveAll();
    }

    static String[] with(String[] flags, String... more) {
        List<String> all = new ArrayList<>(List.of(flags));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    }

    /** A Facebook-style numeric user id. */
    static String userId() {
        return Long.toString(100_000_000_000L + (long) (Math.random() * 899_999_999_999L));
    }

    static ApiClient.Reply signIn(ApiClient client, String token, String query) {
        return client.authenticate("facebook", query, ApiClient.json(Map.of("token", token)));
    }

    static ApiClient.Reply signIn(String token) {
        return signIn(api, token, null);
    }

    static JsonNode account(ApiClient.Reply session) {
        ApiClient.Reply account = api.get("/v2/account", ApiClient.bearer(session.field("token")));
        assertEquals(200, account.status(), account.toString());
        return account.json();
    }

    static String uid(ApiClient.Reply session) throws Exception {
        String payload = session.field("token").split("\\.")[1];
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(Base64.getUrlDecoder().decode(payload)).get("uid").asText();
    }

    static void assertRefused(ApiClient.Reply reply) {
        assertError(reply, 401, 16, REFUSED);
    }

    static void assertError(ApiClient.Reply reply, int status, int code, String message) {
        assertEquals(status, reply.status(), reply.toString());
        assertEquals(code, reply.code(), reply.toString());
        assertEquals(message, reply.message(), reply.toString());
    }

    private static ApiClient.Reply newCustomAccount() {
        ApiClient.Reply reply = api.authenticate("custom", null, ApiClient.json(Map.of("id", unique("custom-"))));
        assertEquals(200, reply.status(), reply.toString());
        return reply;
    }

    // ---- happy paths ----

    @Test
    void limitedLoginSignInCreatesThenFindsTheAccount() throws Exception {
        String subject = userId();
        ApiClient.Reply notYet = signIn(api, facebook.limitedLoginToken(subject, clock.instant()), "create=false");
        assertError(notYet, 404, 5, "User account not found.");

        ApiClient.Reply first = signIn(facebook.limitedLoginToken(subject, clock.instant()));
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.json().path("created").asBoolean());
        ApiClient.Reply second = signIn(api, facebook.limitedLoginToken(subject, clock.instant()), "create=false");
        assertEquals(200, second.status(), second.toString());
        assertFalse(second.json().has("created"));
        assertEquals(uid(first), uid(second));

        JsonNode user = account(second).path("user");
        assertEquals(subject, user.path("facebook_id").asText());
        assertEquals("Limited " + subject, user.path("display_name").asText());
        assertEquals("https://platform-lookaside.example/pic/" + subject, user.path("avatar_url").asText());
    }

    @Test
    void aLimitedLoginEmailIsNotImportedBecauseFacebookDoesNotSayItIsVerified() {
        String subject = userId();
        JwtClaims claims = FacebookStandIn.claims(subject, clock.instant());
        claims.setStringClaim("email", subject + "@limited.example");
        ApiClient.Reply session = signIn(facebook.sign(claims));
        assertEquals(200, session.status(), session.toString());
        assertFalse(account(session).has("email"), account(session).toString());
    }

    @Test
    void classicTokenSignInConfirmsTheAppThenImportsTheProfileAndEmail() throws Exception {
        String id = userId();
        String token = facebook.classicToken(id, "Classic Player", "Classic." + id + "@Example.com");
        int debugBefore = facebook.platform().hits(DEBUG_TOKEN_PATH);
        int meBefore = facebook.platform().hits(ME_PATH);

        ApiClient.Reply first = signIn(token);
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.json().path("created").asBoolean());
        assertEquals(debugBefore + 1, facebook.platform().hits(DEBUG_TOKEN_PATH));
        assertEquals(meBefore + 1, facebook.platform().hits(ME_PATH));

        JsonNode account = account(first);
        assertEquals(id, account.path("user").path("facebook_id").asText());
        assertEquals("Classic Player", account.path("user").path("display_name").asText());
        assertEquals("https://platform-lookaside.example/pic/" + id, account.path("user").path("avatar_url").asText());
        assertEquals("classic." + id + "@example.com", account.path("email").asText(), "imported, normalised like email sign-in");

        ApiClient.Reply again = signIn(api, token, "create=false");
        assertEquals(200, again.status(), again.toString());
        assertEquals(uid(first), uid(again));
    }

    @Test
    void syncIsAcceptedAndIgnored() {
        String token = facebook.classicToken(userId(), "Sync Player", null);
        ApiClient.Reply reply = signIn(api, token, "sync=true");
        assertEquals(200, reply.status(), reply.toString());
        assertEquals(0, facebook.platform().hits(FacebookStandIn.GRAPH_PATH + "/me/friends"));
    }

    @Test
    void usersAreFoundByFacebookId() {
        String id = userId();
        ApiClient.Reply session = signIn(facebook.classicToken(id, "Findable", null));
        assertEquals(200, session.status(), session.toString());
        ApiClient.Reply other = newCustomAccount();
        ApiClient.Reply found = api.get("/v2/user?facebook_ids=" + id, ApiClient.bearer(other.field("token")));
        assertEquals(200, found.status(), found.toString());
        assertEquals(1, found.json().path("users").size(), found.toString());
        assertEquals(id, found.json().path("users").get(0).path("facebook_id").asText());
        assertEquals("Findable", found.json().path("users").get(0).path("display_name").asText());
    }

    @Test
    void linkThenConflictThenUnlink() {
        String id = userId();
        String token = facebook.classicToken(id, "Linked Player", null);
        ApiClient.Reply owner = newCustomAccount();
        String bearer = ApiClient.bearer(owner.field("token"));
        ApiClient.Reply link = api.post("/v2/account/link/facebook", bearer, ApiClient.json(Map.of("token", token)));
        assertEquals(200, link.status(), link.toString());
        assertEquals(id, account(owner).path("user").path("facebook_id").asText());
        assertEquals("Linked Player", account(owner).path("user").path("display_name").asText());
        // Linking what the account already holds succeeds again.
        assertEquals(200, api.post("/v2/account/link/facebook", bearer, ApiClient.json(Map.of("token", token))).status());

        ApiClient.Reply other = newCustomAccount();
        assertError(api.post("/v2/account/link/facebook", ApiClient.bearer(other.field("token")),
                ApiClient.json(Map.of("token", facebook.limitedLoginToken(id, clock.instant())))),
                409, 6, "Facebook ID is already in use.");

        assertRefused(api.post("/v2/account/unlink/facebook", bearer, ApiClient.json(Map.of("token", "EAAGnot-a-token"))));
        ApiClient.Reply unlink = api.post("/v2/account/unlink/facebook", bearer, ApiClient.json(Map.of("token", token)));
        assertEquals(200, unlink.status(), unlink.toString());
        assertFalse(account(owner).path("user").has("facebook_id"));
        assertError(api.post("/v2/account/unlink/facebook", bearer, "{}"), 403, 7,
                "Cannot unlink last account identifier. Check profile exists and is not last link.");
    }

    @Test
    void unlinkWithoutATokenRemovesTheIdentityAndTheLastOneStays() {
        ApiClient.Reply session = signIn(facebook.limitedLoginToken(userId(), clock.instant()));
        String bearer = ApiClient.bearer(session.field("token"));
        assertError(api.post("/v2/account/unlink/facebook", bearer, "{}"), 403, 7,
                "Cannot unlink last account identifier. Check profile exists and is not last link.");
        assertEquals(200, api.post("/v2/account/link/device", bearer, ApiClient.json(Map.of("id", unique("device-")))).status());
        assertEquals(200, api.post("/v2/account/unlink/facebook", bearer, "{}").status());
        assertFalse(account(session).path("user").has("facebook_id"));
    }

    @Test
    void anEmptyTokenIsAnInvalidArgument() {
        assertError(api.authenticate("facebook", null, "{}"), 400, 3, "Facebook access token is required.");
        assertError(api.authenticate("facebook", null, ApiClient.json(Map.of("token", ""))), 400, 3,
                "Facebook access token is required.");
        ApiClient.Reply owner = newCustomAccount();
        assertError(api.post("/v2/account/link/facebook", ApiClient.bearer(owner.field("token")), "{}"), 400, 3,
                "Facebook access token is required.");
    }

    // ---- Limited Login refusals ----

    @Test
    void limitedLoginRefusesAWrongAudienceIssuerOrExpiry() {
        Instant now = clock.instant();
        JwtClaims otherApp = FacebookStandIn.claims(userId(), now);
        otherApp.setAudience("999999999");
        JwtClaims otherIssuer = FacebookStandIn.claims(userId(), now);
        otherIssuer.setIssuer("https://evil.example.com");
        JwtClaims expired = FacebookStandIn.claims(userId(), now.minus(Duration.ofHours(2)));
        JwtClaims noExpiry = FacebookStandIn.claims(userId(), now);
        noExpiry.unsetClaim("exp");
        JwtClaims noSubject = FacebookStandIn.claims(userId(), now);
        noSubject.unsetClaim("sub");
        int debugBefore = facebook.platform().hits(DEBUG_TOKEN_PATH);
        for (JwtClaims claims : List.of(otherApp, otherIssuer, expired, noExpiry, noSubject)) {
            assertRefused(signIn(facebook.sign(claims)));
        }
        assertEquals(debugBefore, facebook.platform().hits(DEBUG_TOKEN_PATH), "a JWT is never sent to the Graph API");

        JwtClaims shortIssuer = FacebookStandIn.claims(userId(), now);
        shortIssuer.setIssuer("https://facebook.com");
        assertEquals(200, signIn(facebook.sign(shortIssuer)).status(), "both of Facebook's issuer forms are accepted");
    }

    @Test
    void aTokenExpiresByTheServersClock() {
        String token = facebook.limitedLoginToken(userId(), clock.instant());
        assertEquals(200, signIn(token).status());
        clock.advance(Duration.ofHours(1).plusMinutes(1));
        assertRefused(signIn(token));
    }

    @Test
    void limitedLoginRefusesABadSignatureOrASwappedAlgorithm() {
        JwtClaims claims = FacebookStandIn.claims(userId(), clock.instant());
        RsaJsonWebKey published = facebook.signingKey();
        RsaJsonWebKey stranger = FacebookStandIn.newKey(published.getKeyId());
        // Signed by a key that is not Facebook's, under the published key id.
        assertRefused(signIn(FacebookStandIn.sign(claims, stranger.getPrivateKey(), published.getKeyId(),
                AlgorithmIdentifiers.RSA_USING_SHA256)));
        // A genuine token whose payload was changed.
        String genuine = facebook.sign(claims);
        String[] parts = genuine.split("\\.");
        JwtClaims changed = FacebookStandIn.claims(userId(), clock.instant());
        String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(changed.toJson().getBytes());
        assertRefused(signIn(parts[0] + "." + forgedPayload + "." + parts[2]));
        // The right key with another algorithm than the key's RS256.
        assertRefused(signIn(FacebookStandIn.sign(claims, published.getPrivateKey(), published.getKeyId(),
                AlgorithmIdentifiers.RSA_USING_SHA512)));
        assertRefused(signIn(FacebookStandIn.sign(claims, published.getPrivateKey(), published.getKeyId(),
                AlgorithmIdentifiers.RSA_PSS_USING_SHA256)));
        // The classic confusion: HS256 keyed with the public key's bytes, and no signature at all.
        assertRefused(signIn(FacebookStandIn.sign(claims, new HmacKey(published.getPublicKey().getEncoded()),
                published.getKeyId(), AlgorithmIdentifiers.HMAC_SHA256)));
        assertRefused(signIn(FacebookStandIn.sign(claims, null, published.getKeyId(), AlgorithmIdentifiers.NONE)));
        // No key id at all.
        assertRefused(signIn(FacebookStandIn.sign(claims, published.getPrivateKey(), null, AlgorithmIdentifiers.RSA_USING_SHA256)));
        // Still fine with the real thing.
        assertEquals(200, signIn(genuine).status());
    }

    @Test
    void anUnknownKeyIdIsRefetchedOnceAndFoundAfterARotation() {
        assertEquals(200, signIn(facebook.limitedLoginToken(userId(), clock.instant())).status());
        clock.advance(Duration.ofSeconds(11));  // past the refetch interval (plugins.key_refetch_interval_sec)
        int fetches = facebook.platform().hits(JWKS_PATH);

        facebook.publishNewKey(unique("rotated-"));
        ApiClient.Reply rotated = signIn(facebook.limitedLoginToken(userId(), clock.instant()));
        assertEquals(200, rotated.status(), rotated.toString());
        assertEquals(fetches + 1, facebook.platform().hits(JWKS_PATH), "one refetch for the new key id");

        RsaJsonWebKey unpublished = FacebookStandIn.newKey(unique("forged-"));
        JwtClaims claims = FacebookStandIn.claims(userId(), clock.instant());
        for (int i = 0; i < 3; i++) {
            assertRefused(signIn(FacebookStandIn.sign(claims, unpublished.getPrivateKey(), unpublished.getKeyId(),
                    AlgorithmIdentifiers.RSA_USING_SHA256)));
        }
        assertEquals(fetches + 1, facebook.platform().hits(JWKS_PATH), "unknown key ids do not make the server hammer Facebook");
    }

    @Test
    void cachedKeysKeepWorkingWhileFacebookIsDown() {
        assertEquals(200, signIn(facebook.limitedLoginToken(userId(), clock.instant())).status());
        facebook.platform().mode(Mode.DOWN);
        clock.advance(Duration.ofHours(2));  // the cached JWKS is stale: a refetch is tried and fails
        int fetches = facebook.platform().hits(JWKS_PATH);
        ApiClient.Reply reply = signIn(facebook.limitedLoginToken(userId(), clock.instant()));
        assertEquals(200, reply.status(), reply.toString());
        assertEquals(fetches + 1, facebook.platform().hits(JWKS_PATH), "the refetch was really tried while down");
    }

    @Test
    void withFacebookDownAndNoKeysEverFetchedLimitedLoginIsRefused(@TempDir Path dir) {
        try (FacebookStandIn down = FacebookStandIn.start(); TestServer other = TestServer.start(dir, clock, down.flags())) {
            down.platform().mode(Mode.DOWN);
            long started = System.nanoTime();
            assertRefused(signIn(other.client(), down.limitedLoginToken(userId(), clock.instant()), null));
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(3));
            assertEquals(1, down.platform().hits(JWKS_PATH));
        }
    }

    // ---- classic token refusals ----

    @Test
    void aClassicTokenOfAnotherAppIsRefusedBeforeTheProfileIsRead() {
        String otherApp = facebook.register(new FacebookStandIn.GraphUser(userId(), "555000555", true, "Other App User", null,
                "https://pic.example/x"));
        String invalid = facebook.register(new FacebookStandIn.GraphUser(userId(), FacebookStandIn.APP_ID, false, "Expired", null,
                "https://pic.example/y"));
        String noUser = facebook.register(new FacebookStandIn.GraphUser("", FacebookStandIn.APP_ID, true, "Nobody", null,
                "https://pic.example/z"));
        int debugBefore = facebook.platform().hits(DEBUG_TOKEN_PATH);
        int meBefore = facebook.platform().hits(ME_PATH);
        assertRefused(signIn(otherApp));
        assertRefused(signIn(invalid));
        assertRefused(signIn(noUser));
        assertRefused(signIn("EAAGunknowntoken"));
        assertEquals(debugBefore + 4, facebook.platform().hits(DEBUG_TOKEN_PATH), "each was introspected");
        assertEquals(meBefore, facebook.platform().hits(ME_PATH), "/me was never called for a token not confirmed for this app");

        ApiClient.Reply owner = newCustomAccount();
        assertRefused(api.post("/v2/account/link/facebook", ApiClient.bearer(owner.field("token")),
                ApiClient.json(Map.of("token", otherApp))));
        assertEquals(meBefore, facebook.platform().hits(ME_PATH));
    }

    @Test
    void aProfileOfAnotherUserThanTheIntrospectedOneIsRefused() {
        String token = facebook.classicToken(userId(), "Switched", null);
        facebook.platform().route(ME_PATH, Reply.json("{\"id\":\"42\",\"name\":\"Someone else\"}"));
        assertRefused(signIn(token));
    }

    @Test
    void aHungOrDownGraphApiIsRefusedWithinTheTimeout() {
        String token = facebook.classicToken(userId(), "Patient", null);
        facebook.platform().mode(Mode.HANG);
        long started = System.nanoTime();
        assertRefused(signIn(token));
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(elapsedMs >= HTTP_TIMEOUT_MS - 100, "it really waited for the Graph API: " + elapsedMs + " ms");
        assertTrue(elapsedMs < HTTP_TIMEOUT_MS + 2000, "answered within the timeout: " + elapsedMs + " ms");

        facebook.platform().mode(Mode.DOWN);
        started = System.nanoTime();
        assertRefused(signIn(token));
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2));

        facebook.platform().mode(Mode.UP);
        String slowMe = facebook.classicToken(userId(), "Slow profile", null);
        facebook.platform().route(ME_PATH, request -> {
            sleep(HTTP_TIMEOUT_MS + 500);
            return Reply.json("{}");
        });
        assertRefused(signIn(slowMe));
    }

    @Test
    void garbageFromTheGraphApiIsRefused() {
        String token = facebook.classicToken(userId(), "Garbage", null);
        facebook.platform().route(DEBUG_TOKEN_PATH, Reply.json("<html>not json"));
        assertRefused(signIn(token));
        facebook.platform().route(DEBUG_TOKEN_PATH, Reply.json("[\"data\"]"));
        assertRefused(signIn(token));
        facebook.platform().route(DEBUG_TOKEN_PATH, Reply.json("{\"data\":{\"is_valid\":\"true\",\"app_id\":\""
                + FacebookStandIn.APP_ID + "\",\"user_id\":\"1\"}}"));
        assertRefused(signIn(token));
        facebook.serveAll();
        facebook.platform().route(ME_PATH, Reply.json("{\"id\":"));
        int meBefore = facebook.platform().hits(ME_PATH);
        assertRefused(signIn(token));
        assertEquals(meBefore + 1, facebook.platform().hits(ME_PATH));
        facebook.platform().route(ME_PATH, Reply.bytes(new byte[]{0, 1, 2, 3}));
        assertRefused(signIn(token));
    }

    // ---- configuration ----

    @Test
    void withoutAnAppIdEveryTokenIsRefusedAndWithoutASecretClassicTokensAre(@TempDir Path dir) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        try (FacebookStandIn fb = FacebookStandIn.start();
             TestServer noAppId = TestServer.start(dir.resolve("a"), clock,
                     "--social.facebook_limited_login.jwks_url=" + fb.platform().url(JWKS_PATH),
                     "--social.facebook_limited_login.graph_url=" + fb.platform().url(FacebookStandIn.GRAPH_PATH));
             TestServer noSecret = TestServer.start(dir.resolve("b"), clock,
                     "--social.facebook_limited_login.app_id=" + FacebookStandIn.APP_ID,
                     "--social.facebook_limited_login.jwks_url=" + fb.platform().url(JWKS_PATH),
                     "--social.facebook_limited_login.graph_url=" + fb.platform().url(FacebookStandIn.GRAPH_PATH))) {
            String classic = fb.classicToken(userId(), "Unconfigured", null);
            assertRefused(signIn(noAppId.client(), fb.limitedLoginToken(userId(), clock.instant()), null));
            assertRefused(signIn(noAppId.client(), classic, null));
            assertRefused(signIn(noSecret.client(), classic, null));
            assertEquals(0, fb.platform().hits(JWKS_PATH) + fb.platform().hits(DEBUG_TOKEN_PATH) + fb.platform().hits(ME_PATH),
                    "an unconfigured provider never calls Facebook");
            ApiClient.Reply limited = signIn(noSecret.client(), fb.limitedLoginToken(userId(), clock.instant()), null);
            assertEquals(200, limited.status(), "Limited Login needs only the app id: " + limited);
        } finally {
            root.detachAppender(logs);
        }
        List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains("'facebook'") && l.contains("social.facebook_limited_login.app_id is not set")),
                "start-up names what is missing: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.contains("'facebook'")
                && l.contains("social.facebook_limited_login.app_secret is not set") && !l.contains("app_id is not set")), lines.toString());
    }

    @Test
    void neitherTheAppSecretNorTokensReachTheLogs(@TempDir Path dir) {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Logger provider = (Logger) LoggerFactory.getLogger("io.guildhall.auth.facebook");
        Level previous = provider.getLevel();
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);
        provider.setLevel(Level.DEBUG);
        List<String> tokens = new ArrayList<>();
        try (FacebookStandIn fb = FacebookStandIn.start(); TestServer logged = TestServer.start(dir, clock, fb.flags())) {
            String good = fb.classicToken(userId(), "Logged", null);
            tokens.add(good);
            assertEquals(200, signIn(logged.client(), good, null).status());
            String otherApp = fb.register(new FacebookStandIn.GraphUser(userId(), "1", true, "x", null, "https://p.example"));
            tokens.add(otherApp);
            assertRefused(signIn(logged.client(), otherApp, null));
            JwtClaims wrongAudience = FacebookStandIn.claims(userId(), clock.instant());
            wrongAudience.setAudience("1");
            wrongAudience.setStringClaim("email", "secret.person@example.com");
            String jwt = fb.sign(wrongAudience);
            tokens.add(jwt);
            assertRefused(signIn(logged.client(), jwt, null));
            fb.platform().mode(Mode.DOWN);
            String down = fb.classicToken(userId(), "Down", null);
            tokens.add(down);
            assertRefused(signIn(logged.client(), down, null));
        } finally {
            root.detachAppender(logs);
            provider.setLevel(previous);
        }
        List<String> lines = logs.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertTrue(lines.stream().anyMatch(l -> l.contains("Facebook token refused: the token was issued to another app")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("audience")), lines.toString());
        assertTrue(lines.stream().anyMatch(l -> l.contains("social.facebook_limited_login.app_secret=*****")), lines.toString());
        for (String line : lines) {
            assertFalse(line.contains(FacebookStandIn.APP_SECRET), line);
            assertFalse(line.contains("secret.person@example.com"), line);
            for (String token : tokens) {
                assertFalse(line.contains(token), line);
                assertFalse(line.contains(token.substring(token.length() - 24)), line);
            }
        }
    }

    // ---- isolation of a hung platform ----

    @Test
    void aHungGraphApiFillsOnlyFacebooksOwnThreads(@TempDir Path dir) throws Exception {
        int maxInFlight = 4;
        try (FacebookStandIn hung = FacebookStandIn.start();
             TestServer isolated = TestServer.start(dir, clock, with(hung.flags(),
                     "--social.facebook_limited_login.max_in_flight=" + maxInFlight, "--plugins.http_timeout_ms=30000"))) {
            ApiClient client = isolated.client();
            hung.platform().mode(Mode.HANG);
            ExecutorService callers = Executors.newFixedThreadPool(maxInFlight);
            try {
                List<Future<ApiClient.Reply>> waiting = new ArrayList<>();
                for (int i = 0; i < maxInFlight; i++) {
                    String token = hung.classicToken(userId(), "Hung " + i, null);
                    waiting.add(callers.submit(() -> signIn(client, token, null)));
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (hung.platform().hits(DEBUG_TOKEN_PATH) < maxInFlight && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(maxInFlight, hung.platform().hits(DEBUG_TOKEN_PATH), "every Facebook sign-in is waiting on the Graph API");
                assertTrue(waiting.stream().noneMatch(Future::isDone));

                long started = System.nanoTime();
                ApiClient.Reply refused = signIn(client, hung.classicToken(userId(), "One too many", null), null);
                assertEquals(503, refused.status(), refused.toString());
                assertEquals(14, refused.code(), refused.toString());
                assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2), "refused at once, not after the 30 s deadline");
                assertEquals(maxInFlight, hung.platform().hits(DEBUG_TOKEN_PATH), "the refused one never called out");

                started = System.nanoTime();
                for (int i = 0; i < 20; i++) {
                    ApiClient.Reply device = client.authenticate("device", null, ApiClient.json(Map.of("id", unique("device-"))));
                    assertEquals(200, device.status(), device.toString());
                }
                long deviceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertTrue(deviceMs < 5000, "20 device sign-ins took " + deviceMs + " ms while Facebook hung");
                assertTrue(waiting.stream().noneMatch(Future::isDone), "the Facebook sign-ins were still in flight meanwhile");

                hung.platform().mode(Mode.UP);
                for (Future<ApiClient.Reply> reply : waiting) {
                    assertEquals(200, reply.get(20, TimeUnit.SECONDS).status());
                }
            } finally {
                hung.platform().mode(Mode.UP);
                callers.shutdownNow();
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void distinctAccountsForDistinctPlayers() throws Exception {
        ApiClient.Reply a = signIn(facebook.limitedLoginToken(userId(), clock.instant()));
        ApiClient.Reply b = signIn(facebook.classicToken(userId(), "B", null));
        assertNotEquals(uid(a), uid(b));
    }
}
