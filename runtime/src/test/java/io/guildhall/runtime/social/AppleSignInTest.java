package io.guildhall.runtime.social;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.PlatformStandIn;
import io.guildhall.runtime.testing.SettableClock;
import io.guildhall.runtime.testing.TestServer;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static io.guildhall.runtime.social.SocialTests.account;
import static io.guildhall.runtime.social.SocialTests.assertError;
import static io.guildhall.runtime.social.SocialTests.bearerOf;
import static io.guildhall.runtime.social.SocialTests.newCustomAccount;
import static io.guildhall.runtime.social.SocialTests.tokenBody;
import static io.guildhall.runtime.social.SocialTests.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sign in with Apple against the real server and a JWKS stand-in with keys generated here. */
class AppleSignInTest {
    private static final String REJECTED = "Could not authenticate Apple profile.";

    @TempDir
    static Path dataDir;
    static final SettableClock clock = SettableClock.atSystemTime();
    static AppleStandIn apple;
    static TestServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        apple = AppleStandIn.start(clock);
        server = TestServer.start(dataDir, clock, apple.serverFlags());
        api = server.client();
    }

    @AfterAll
    static void stop() {
        server.close();
        apple.close();
    }

    private static ApiClient.Reply signIn(String token) {
        return api.authenticate("apple", null, tokenBody(token));
    }

    private static void assertRejected(String token) {
        assertError(signIn(token), 401, 16, REJECTED);
    }

    @Test
    void signInCreatesThenFindsTheAccount() {
        String sub = unique("001234.");
        ApiClient.Reply first = signIn(apple.token(sub));
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.json().path("created").asBoolean(), first.toString());

        ApiClient.Reply again = signIn(apple.token(sub));
        assertEquals(200, again.status(), again.toString());
        assertFalse(again.json().has("created"), again.toString());
        JsonNode account = account(api, again);
        assertEquals(sub, account.path("user").path("apple_id").asText());
        assertEquals(account(api, first).path("user").path("id"), account.path("user").path("id"));
    }

    @Test
    void theServicesIdOfWebSignInIsAnAcceptedAudienceToo() {
        ApiClient.Reply reply = signIn(apple.tokenFor(unique("web.")).audience(AppleStandIn.SERVICES_ID).sign());
        assertEquals(200, reply.status(), reply.toString());
    }

    @Test
    void createFalseForAnUnknownPlayerIsNotFound() {
        assertError(api.authenticate("apple", "create=false", tokenBody(apple.token(unique("new.")))),
                404, 5, "User account not found.");
    }

    @Test
    void aTokenIsRequired() {
        assertError(api.authenticate("apple", null, "{}"), 400, 3, "Apple ID token is required.");
        assertError(api.authenticate("apple", null, tokenBody("")), 400, 3, "Apple ID token is required.");
    }

    @Test
    void linkConflictAndUnlink() {
        ApiClient.Reply session = newCustomAccount(api);
        String sub = unique("linked.");
        assertEquals("{}", api.post("/v2/account/link/apple", bearerOf(session), tokenBody(apple.token(sub))).text());
        assertEquals(sub, account(api, session).path("user").path("apple_id").asText());
        // Linking it again is idempotent; signing in with it finds this account.
        assertEquals(200, api.post("/v2/account/link/apple", bearerOf(session), tokenBody(apple.token(sub))).status());
        ApiClient.Reply viaApple = signIn(apple.token(sub));
        assertEquals(account(api, session).path("user").path("id"), account(api, viaApple).path("user").path("id"));

        assertError(api.post("/v2/account/link/apple", bearerOf(newCustomAccount(api)), tokenBody(apple.token(sub))),
                409, 6, "Apple ID is already in use.");
        assertError(api.post("/v2/account/link/apple", bearerOf(session), tokenBody(apple.tokenFor(sub).audience("other.app").sign())),
                401, 16, REJECTED);
        assertError(api.post("/v2/account/link/apple", bearerOf(session), tokenBody("")), 400, 3, "Apple ID token is required.");

        // Unlinking with a token removes only the id that token proves.
        assertError(api.post("/v2/account/unlink/apple", bearerOf(session), tokenBody(apple.token(unique("someone-else.")))),
                403, 7, "Cannot unlink last account identifier. Check profile exists and is not last link.");
        assertError(api.post("/v2/account/unlink/apple", bearerOf(session), tokenBody(apple.tokenFor(sub).issuer("https://evil.example").sign())),
                401, 16, REJECTED);
        assertEquals("{}", api.post("/v2/account/unlink/apple", bearerOf(session), tokenBody(apple.token(sub))).text());
        assertFalse(account(api, session).path("user").has("apple_id"));
        assertError(api.authenticate("apple", "create=false", tokenBody(apple.token(sub))), 404, 5, "User account not found.");

        // Without a token, whatever Apple id the account holds is unlinked.
        assertEquals(200, api.post("/v2/account/link/apple", bearerOf(session), tokenBody(apple.token(sub))).status());
        assertEquals(200, api.post("/v2/account/unlink/apple", bearerOf(session), "{}").status());
        assertFalse(account(api, session).path("user").has("apple_id"));
    }

    @Test
    void aVerifiedEmailIsImportedLowerCasedSoEmailSignInFindsTheSameAccount() {
        String local = unique("Player.One.");
        String sent = local + "@Example.COM";
        String lower = sent.toLowerCase(java.util.Locale.ROOT);
        ApiClient.Reply session = signIn(apple.tokenFor(unique("mail.")).email(sent, true).sign());
        assertEquals(200, session.status(), session.toString());
        assertEquals(lower, account(api, session).path("email").asText());

        // The imported email has no password: email sign-in finds this account (not a new one) and,
        // as in Nakama, answers invalid credentials, whatever case the player types it in.
        String password = ApiClient.json(Map.of("email", local.toUpperCase(java.util.Locale.ROOT) + "@example.com", "password", "password123"));
        assertError(api.authenticate("email", null, password), 401, 16, "Invalid credentials.");
        assertError(api.authenticate("email", "create=false", ApiClient.json(Map.of("email", lower, "password", "password123"))),
                401, 16, "Invalid credentials.");

        // A second Apple player with the same email keeps it off their account: one account holds it.
        ApiClient.Reply other = signIn(apple.tokenFor(unique("mail2.")).email(sent, true).sign());
        assertEquals(200, other.status(), other.toString());
        assertFalse(account(api, other).has("email"));
    }

    @Test
    void emailVerifiedMayBeTheStringTrue() {
        String email = unique("string.") + "@example.com";
        ApiClient.Reply session = signIn(apple.tokenFor(unique("s.")).email(email, "true").sign());
        assertEquals(email, account(api, session).path("email").asText());
    }

    @Test
    void anUnverifiedEmailIsNotImported() {
        for (Object verified : new Object[]{false, "false", null}) {
            String email = unique("unverified.") + "@example.com";
            ApiClient.Reply session = signIn(apple.tokenFor(unique("u.")).email(email, verified).sign());
            assertEquals(200, session.status(), session.toString());
            assertFalse(account(api, session).has("email"), "email_verified=" + verified);
            assertError(api.authenticate("email", "create=false", ApiClient.json(Map.of("email", email, "password", "password123"))),
                    404, 5, "User account not found.");
        }
    }

    @Test
    void aWrongAudienceIsRejected() {
        assertRejected(apple.tokenFor(unique("aud.")).audience("com.attacker.app").sign());
    }

    @Test
    void aWrongIssuerIsRejected() {
        assertRejected(apple.tokenFor(unique("iss.")).issuer("https://appleid.apple.com.evil.example").sign());
        assertRejected(apple.tokenFor(unique("iss.")).issuer("appleid.apple.com").sign());
    }

    @Test
    void anExpiredTokenOrOneWithoutExpiryIsRejected() {
        assertRejected(apple.tokenFor(unique("exp.")).expiresIn(Duration.ofSeconds(-1)).sign());
        assertRejected(apple.tokenFor(unique("exp.")).expiresIn(null).sign());

        // Valid now, rejected once the server's clock passes its expiry.
        String sub = unique("later.");
        String token = apple.tokenFor(sub).expiresIn(Duration.ofMinutes(5)).sign();
        assertEquals(200, signIn(token).status());
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertRejected(token);
    }

    @Test
    void aBadSignatureIsRejected() {
        // Signed by a key Apple never published, under the kid of one it did.
        RsaJsonWebKey forger = AppleStandIn.newKey("apple-key-1");
        assertRejected(apple.tokenFor(unique("sig.")).signedBy(forger).sign());
        // A valid token with its signature's bytes changed.
        String token = apple.token(unique("sig."));
        char last = token.charAt(token.length() - 2);
        assertRejected(token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1));
    }

    @Test
    void aSwappedAlgorithmIsRejected() {
        // HS256 keyed with Apple's public key bytes: the algorithm-confusion forgery.
        assertRejected(apple.tokenFor(unique("hs.")).hs256WithPublicKeyBytes().sign());
        // RS384 with Apple's own key: a valid signature, but not the algorithm the key is published for.
        RsaJsonWebKey key = apple.key("apple-key-1");
        assertRejected(apple.tokenFor(unique("rs384.")).algorithm(AlgorithmIdentifiers.RSA_USING_SHA384, key.getPrivateKey()).sign());
        // A published key whose own alg is not RS256 verifies nothing, whatever the header says.
        RsaJsonWebKey rs384 = AppleStandIn.newKey("apple-rs384");
        rs384.setAlgorithm(AlgorithmIdentifiers.RSA_USING_SHA384);
        apple.publish(rs384);
        clock.advance(Duration.ofSeconds(11));
        assertRejected(apple.tokenFor(unique("rs384.")).signedBy(rs384).sign());
        assertRejected(apple.tokenFor(unique("rs384.")).signedBy(rs384)
                .algorithm(AlgorithmIdentifiers.RSA_USING_SHA384, rs384.getPrivateKey()).sign());
        // "none" never reaches a key.
        assertRejected(apple.tokenFor(unique("none.")).algorithm(AlgorithmIdentifiers.NONE, null).sign());
    }

    @Test
    void anUnknownKidIsFetchedOnceThenTheRotatedKeyWorks() {
        assertEquals(200, signIn(apple.token(unique("before."))).status());
        RsaJsonWebKey rotated = apple.publish(AppleStandIn.newKey(unique("apple-key-")));
        clock.advance(Duration.ofSeconds(11)); // past plugins.key_refetch_interval_sec since the last fetch
        int fetches = apple.jwksFetches();

        ApiClient.Reply reply = signIn(apple.tokenFor(unique("rotated.")).signedBy(rotated).sign());
        assertEquals(200, reply.status(), reply.toString());
        assertEquals(fetches + 1, apple.jwksFetches(), "one JWKS fetch brings the rotated key in");
        assertEquals(200, signIn(apple.tokenFor(unique("rotated.")).signedBy(rotated).sign()).status());
        assertEquals(fetches + 1, apple.jwksFetches(), "then it is cached");

        // A kid Apple never published costs no further fetch within the refetch interval.
        RsaJsonWebKey unpublished = AppleStandIn.newKey(unique("never-"));
        assertRejected(apple.tokenFor(unique("x.")).signedBy(unpublished).sign());
        assertRejected(apple.tokenFor(unique("x.")).signedBy(unpublished).sign());
        assertEquals(fetches + 1, apple.jwksFetches());
    }

    @Test
    void cachedKeysKeepWorkingWhileApplesEndpointIsDown() {
        String sub = unique("down.");
        assertEquals(200, signIn(apple.token(sub)).status());
        apple.platform().mode(PlatformStandIn.Mode.DOWN);
        try {
            clock.advance(Duration.ofHours(2)); // past the cache's TTL: a refetch is due and fails
            int fetches = apple.jwksFetches();
            ApiClient.Reply reply = signIn(apple.token(sub));
            assertEquals(200, reply.status(), reply.toString());
            assertEquals(fetches + 1, apple.jwksFetches(), "the refetch was tried");
        } finally {
            apple.platform().mode(PlatformStandIn.Mode.UP);
        }
    }
}
