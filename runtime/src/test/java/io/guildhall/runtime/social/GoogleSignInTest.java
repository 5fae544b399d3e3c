package io.guildhall.runtime.social;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.social.GoogleStandIn.Certificate;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.PlatformStandIn;
import io.guildhall.runtime.testing.SettableClock;
import io.guildhall.runtime.testing.TestServer;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
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

/** Google ID tokens and Play Games auth codes against the real server and a Google stand-in. */
class GoogleSignInTest {
    private static final String REJECTED = "Could not authenticate Google profile.";

    @TempDir
    static Path dataDir;
    static final SettableClock clock = SettableClock.atSystemTime();
    static GoogleStandIn google;
    static TestServer server;
    static ApiClient api;

    @BeforeAll
    static void start() {
        google = GoogleStandIn.start(clock);
        server = TestServer.start(dataDir, clock, google.serverFlags());
        api = server.client();
    }

    @AfterAll
    static void stop() {
        server.close();
        google.close();
    }

    private static ApiClient.Reply signIn(String token) {
        return api.authenticate("google", null, tokenBody(token));
    }

    private static void assertRejected(String token) {
        assertError(signIn(token), 401, 16, REJECTED);
    }

    @Test
    void signInCreatesThenFindsTheAccountWithItsProfile() {
        String sub = unique("1098");
        ApiClient.Reply first = signIn(google.idTokenFor(sub).profile("Ada Player", "https://lh3.example/ada.png").sign());
        assertEquals(200, first.status(), first.toString());
        assertTrue(first.json().path("created").asBoolean());

        ApiClient.Reply again = signIn(google.idToken(sub));
        assertEquals(200, again.status(), again.toString());
        assertFalse(again.json().has("created"));
        JsonNode user = account(api, again).path("user");
        assertEquals(sub, user.path("google_id").asText());
        assertEquals("Ada Player", user.path("display_name").asText());
        assertEquals("https://lh3.example/ada.png", user.path("avatar_url").asText());
        assertEquals(account(api, first).path("user").path("id"), user.path("id"));
    }

    @Test
    void signInFillsAnExistingAccountsEmptyDisplayNameAndAvatarButNeverReplacesThem() {
        String sub = unique("fill");
        ApiClient.Reply first = signIn(google.idToken(sub));
        assertEquals(200, first.status(), first.toString());
        JsonNode user = account(api, first).path("user");
        assertFalse(user.has("display_name"), user.toString());
        assertFalse(user.has("avatar_url"), user.toString());

        ApiClient.Reply named = signIn(google.idTokenFor(sub).profile("Late Name", "https://lh3.example/late.png").sign());
        assertEquals(200, named.status(), named.toString());
        user = account(api, named).path("user");
        assertEquals("Late Name", user.path("display_name").asText(), "Nakama fills an empty display name at Google sign-in");
        assertEquals("https://lh3.example/late.png", user.path("avatar_url").asText());

        assertEquals(200, api.send("PUT", "/v2/account", bearerOf(named), "{\"display_name\":\"Chosen\"}").status());
        ApiClient.Reply renamed = signIn(google.idTokenFor(sub).profile("Google Name", "https://lh3.example/other.png").sign());
        assertEquals(200, renamed.status(), renamed.toString());
        user = account(api, renamed).path("user");
        assertEquals("Chosen", user.path("display_name").asText(), "a display name the player set is kept");
        assertEquals("https://lh3.example/late.png", user.path("avatar_url").asText());
        assertEquals(account(api, first).path("user").path("id"), user.path("id"));
    }

    @Test
    void bothIssuerSpellingsAndEveryConfiguredClientIdAreAccepted() {
        assertEquals(200, signIn(google.idTokenFor(unique("iss")).issuer("accounts.google.com").sign()).status());
        assertEquals(200, signIn(google.idTokenFor(unique("iss")).issuer("https://accounts.google.com").sign()).status());
        assertEquals(200, signIn(google.idTokenFor(unique("aud")).audience(GoogleStandIn.ANDROID_CLIENT_ID).sign()).status());
    }

    @Test
    void createFalseForAnUnknownPlayerIsNotFoundAndATokenIsRequired() {
        assertError(api.authenticate("google", "create=false", tokenBody(google.idToken(unique("new")))),
                404, 5, "User account not found.");
        assertError(api.authenticate("google", null, "{}"), 400, 3, "Google access token is required.");
    }

    @Test
    void linkConflictAndUnlink() {
        ApiClient.Reply session = newCustomAccount(api);
        String sub = unique("link");
        assertEquals("{}", api.post("/v2/account/link/google", bearerOf(session),
                tokenBody(google.idTokenFor(sub).profile("Linked Name", null).sign())).text());
        JsonNode user = account(api, session).path("user");
        assertEquals(sub, user.path("google_id").asText());
        assertEquals("Linked Name", user.path("display_name").asText(), "an empty display name is filled on link");

        assertError(api.post("/v2/account/link/google", bearerOf(newCustomAccount(api)), tokenBody(google.idToken(sub))),
                409, 6, "Google ID is already in use.");
        assertError(api.post("/v2/account/link/google", bearerOf(session), tokenBody("")), 400, 3, "Google access token is required.");
        assertError(api.post("/v2/account/link/google", bearerOf(session),
                tokenBody(google.idTokenFor(sub).audience("someone-elses-client").sign())), 401, 16, REJECTED);

        assertError(api.post("/v2/account/unlink/google", bearerOf(session), tokenBody(google.idToken(unique("other")))),
                403, 7, "Cannot unlink last account identifier. Check profile exists and is not last link.");
        assertEquals("{}", api.post("/v2/account/unlink/google", bearerOf(session), tokenBody(google.idToken(sub))).text());
        assertFalse(account(api, session).path("user").has("google_id"));
        assertError(api.authenticate("google", "create=false", tokenBody(google.idToken(sub))), 404, 5, "User account not found.");
    }

    @Test
    void aVerifiedEmailIsImportedLowerCasedAndAnUnverifiedOneIsNot() {
        String sent = unique("Mixed.Case.") + "@GMail.example.COM";
        ApiClient.Reply session = signIn(google.idTokenFor(unique("mail")).email(sent, true).sign());
        assertEquals(sent.toLowerCase(Locale.ROOT), account(api, session).path("email").asText());
        assertError(api.authenticate("email", "create=false", ApiClient.json(Map.of("email", sent, "password", "password123"))),
                401, 16, "Invalid credentials.");

        String unverified = unique("unverified.") + "@example.com";
        ApiClient.Reply other = signIn(google.idTokenFor(unique("mail")).email(unverified, false).sign());
        assertFalse(account(api, other).has("email"));
    }

    @Test
    void aWrongAudienceOrIssuerIsRejected() {
        assertRejected(google.idTokenFor(unique("aud")).audience("407408718192.apps.googleusercontent.com").sign());
        assertRejected(google.idTokenFor(unique("iss")).issuer("https://accounts.google.com.evil.example").sign());
        assertRejected(google.idTokenFor(unique("iss")).issuer("https://appleid.apple.com").sign());
    }

    @Test
    void anExpiredTokenOrOneWithoutExpiryIsRejected() {
        assertRejected(google.idTokenFor(unique("exp")).expiresIn(Duration.ofSeconds(-1)).sign());
        assertRejected(google.idTokenFor(unique("exp")).expiresIn(null).sign());
        String token = google.idTokenFor(unique("exp")).expiresIn(Duration.ofMinutes(5)).sign();
        assertEquals(200, signIn(token).status());
        clock.advance(Duration.ofMinutes(5).plusSeconds(1));
        assertRejected(token);
    }

    @Test
    void aBadSignatureIsRejected() {
        Certificate forger = google.certificate("google-key-1", Duration.ofDays(1)); // same kid, never published
        assertRejected(google.idTokenFor(unique("sig")).signedBy(forger).sign());
        String token = google.idToken(unique("sig"));
        char c = token.charAt(token.length() - 2);
        assertRejected(token.substring(0, token.length() - 2) + (c == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1));
    }

    @Test
    void aSwappedAlgorithmIsRejected() {
        assertRejected(google.idTokenFor(unique("hs")).hs256WithPublicKeyBytes().sign());
        assertRejected(google.idTokenFor(unique("rs384"))
                .algorithm(AlgorithmIdentifiers.RSA_USING_SHA384, google.firstCertificate().keys().getPrivate()).sign());
    }

    @Test
    void anUnknownKidIsFetchedOnceThenTheNewCertificateWorks() {
        assertEquals(200, signIn(google.idToken(unique("before"))).status());
        Certificate rotated = google.publish(google.certificate(unique("google-key-"), Duration.ofDays(14)));
        clock.advance(Duration.ofSeconds(11));
        int fetches = google.certsFetches();
        assertEquals(200, signIn(google.idTokenFor(unique("rotated")).signedBy(rotated).sign()).status());
        assertEquals(fetches + 1, google.certsFetches());
        assertEquals(200, signIn(google.idTokenFor(unique("rotated")).signedBy(rotated).sign()).status());
        assertEquals(fetches + 1, google.certsFetches(), "then it is cached");
    }

    @Test
    void certificatesThatDoNotParseOrHaveExpiredAreSkipped() {
        google.publishRaw("not-a-certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        Certificate expired = google.publish(google.certificate("google-expired",
                clock.instant().minus(Duration.ofDays(30)), clock.instant().minus(Duration.ofDays(1))));
        try {
            clock.advance(Duration.ofSeconds(11));
            assertRejected(google.idTokenFor(unique("old")).signedBy(expired).sign());
            assertEquals(200, signIn(google.idToken(unique("valid"))).status(), "the valid certificates still serve");
        } finally {
            google.withdraw("not-a-certificate");
            google.withdraw("google-expired");
        }
    }

    @Test
    void keysAreNotUsedPastTheEarliestCertificateEndMinusAnHour() {
        Certificate ending = google.publish(google.certificate(unique("google-ending-"), Duration.ofHours(3)));
        google.certsHeaders(Map.of("Cache-Control", "public, max-age=86400"));
        try {
            clock.advance(Duration.ofSeconds(11));
            int fetches = google.certsFetches();
            assertEquals(200, signIn(google.idTokenFor(unique("end")).signedBy(ending).sign()).status());
            assertEquals(fetches + 1, google.certsFetches());

            clock.advance(Duration.ofHours(1));
            assertEquals(200, signIn(google.idToken(unique("end"))).status());
            assertEquals(fetches + 1, google.certsFetches(), "within max-age and before the certificate's end");

            // Past the ending certificate's NotAfter minus an hour, though max-age says a day: refetched,
            // and the ending certificate no longer counts.
            clock.advance(Duration.ofHours(1).plusMinutes(1));
            assertEquals(200, signIn(google.idToken(unique("end"))).status());
            assertEquals(fetches + 2, google.certsFetches());
            assertRejected(google.idTokenFor(unique("end")).signedBy(ending).sign());
        } finally {
            google.certsHeaders(Map.of());
            google.withdraw(ending.kid());
        }
    }

    @Test
    void cachedCertificatesKeepWorkingWhileGoogleIsDown() {
        String sub = unique("down");
        clock.advance(Duration.ofHours(25)); // whatever other tests left cached has expired: a fresh fetch
        assertEquals(200, signIn(google.idToken(sub)).status());
        google.platform().mode(PlatformStandIn.Mode.DOWN);
        try {
            clock.advance(Duration.ofHours(2));
            int fetches = google.certsFetches();
            assertEquals(200, signIn(google.idToken(sub)).status());
            assertEquals(fetches + 1, google.certsFetches(), "the refetch was tried");
        } finally {
            google.platform().mode(PlatformStandIn.Mode.UP);
        }
    }

    @Test
    void aPlayGamesServerAuthCodeIsExchangedAndThePlayerLookedUp() {
        String playerId = unique("g");
        String code = google.serverAuthCode("{\"playerId\":\"" + playerId + "\",\"displayName\":\"Play Name\","
                + "\"avatarImageUrl\":\"https://lh3.example/play.png\"}");
        ApiClient.Reply reply = signIn(code);
        assertEquals(200, reply.status(), reply.toString());
        assertTrue(reply.json().path("created").asBoolean());
        JsonNode user = account(api, reply).path("user");
        assertEquals(playerId, user.path("google_id").asText());
        assertEquals("Play Name", user.path("display_name").asText());
        assertEquals("https://lh3.example/play.png", user.path("avatar_url").asText());

        assertEquals(200, signIn(google.serverAuthCode("{\"playerId\":\"" + playerId + "\"}")).status());
        assertFalse(signIn(google.serverAuthCode("{\"playerId\":\"" + playerId + "\"}")).json().has("created"));
    }

    @Test
    void aRemappedPlayGamesPlayerKeepsTheirAccountUnderTheNewId() {
        String original = unique("g-original-");
        ApiClient.Reply created = signIn(google.serverAuthCode("{\"playerId\":\"" + original + "\"}"));
        assertEquals(200, created.status(), created.toString());
        String userId = account(api, created).path("user").path("id").asText();

        String remapped = unique("g-new-");
        ApiClient.Reply reply = api.authenticate("google", "create=false", tokenBody(google.serverAuthCode(
                "{\"playerId\":\"" + remapped + "\",\"originalPlayerId\":\"" + original + "\"}")));
        assertEquals(200, reply.status(), reply.toString());
        assertFalse(reply.json().has("created"));
        JsonNode user = account(api, reply).path("user");
        assertEquals(userId, user.path("id").asText(), "the account made under the original id");
        assertEquals(remapped, user.path("google_id").asText());
        assertError(api.authenticate("google", "create=false", tokenBody(google.serverAuthCode("{\"playerId\":\"" + original + "\"}"))),
                404, 5, "User account not found.");
    }

    @Test
    void aBadCodeOrAPlayerlessAnswerIsRejected() {
        assertRejected("4/0Anever-issued-code");
        assertRejected(google.serverAuthCode("{\"displayName\":\"no id\"}"));
        assertRejected(google.serverAuthCode("not json"));
        assertRejected(google.serverAuthCode("{\"playerId\":\"" + "g".repeat(129) + "\"}"));
    }
}
