package io.guildhall.runtime.social;

import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.PlatformStandIn;
import io.guildhall.runtime.testing.SettableClock;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.guildhall.runtime.social.SocialTests.account;
import static io.guildhall.runtime.social.SocialTests.assertError;
import static io.guildhall.runtime.social.SocialTests.tokenBody;
import static io.guildhall.runtime.social.SocialTests.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Google sign-in unconfigured, with Google unreachable, and with the other credentials form: a server each. */
class GoogleSignInOutageTest {
    private static final String REJECTED = "Could not authenticate Google profile.";

    @TempDir
    Path dataDir;
    private final SettableClock clock = SettableClock.atSystemTime();

    @Test
    void withNothingConfiguredEveryTokenIsRejectedWithoutCallingGoogle() {
        try (GoogleStandIn google = GoogleStandIn.start(clock);
             TestServer server = TestServer.start(dataDir, clock,
                     "--google_auth.certs_url=" + google.platform().url(GoogleStandIn.CERTS_PATH),
                     "--google_auth.token_url=" + google.platform().url(GoogleStandIn.TOKEN_PATH))) {
            ApiClient api = server.client();
            // Nakama has no "not configured" answer for Google: an unverifiable token is a 401.
            assertError(api.authenticate("google", null, tokenBody(google.idToken(unique("nc")))), 401, 16, REJECTED);
            assertError(api.authenticate("google", null, tokenBody(google.serverAuthCode("{\"playerId\":\"p\"}"))), 401, 16, REJECTED);
            assertEquals(0, google.certsFetches());
            assertEquals(0, google.platform().hits(GoogleStandIn.TOKEN_PATH));
        }
    }

    @Test
    void withGoogleDownAndNoCertificatesSignInIsRejectedWithinTheTimeout() {
        try (GoogleStandIn google = GoogleStandIn.start(clock);
             TestServer server = TestServer.start(dataDir, clock, Stream.concat(Stream.of(google.serverFlags()),
                     Stream.of("--plugins.http_timeout_ms=1000")).toArray(String[]::new))) {
            ApiClient api = server.client();
            google.platform().mode(PlatformStandIn.Mode.DOWN);
            assertError(api.authenticate("google", null, tokenBody(google.idToken(unique("down")))), 401, 16, REJECTED);
            assertError(api.authenticate("google", null, tokenBody(google.serverAuthCode("{\"playerId\":\"p\"}"))), 401, 16, REJECTED);

            google.platform().mode(PlatformStandIn.Mode.HANG);
            long started = System.nanoTime();
            assertError(api.authenticate("google", null, tokenBody(google.serverAuthCode("{\"playerId\":\"p\"}"))), 401, 16, REJECTED);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            // Bounded by the timeout, with room for a loaded machine's scheduling.
            assertTrue(tookMs >= 900 && tookMs < 8000, "answered after " + tookMs + " ms with a 1000 ms timeout");
            google.platform().mode(PlatformStandIn.Mode.UP);
        }
    }

    @Test
    void credentialsOfAnInstalledClientWorkToo() {
        String installed = GoogleStandIn.CREDENTIALS_JSON.replace("{\"web\":", "{\"installed\":");
        try (GoogleStandIn google = GoogleStandIn.start(clock);
             TestServer server = TestServer.start(dataDir, clock,
                     "--google_auth.credentials_json=" + installed,
                     "--google_auth.token_url=" + google.platform().url(GoogleStandIn.TOKEN_PATH),
                     "--google_auth.players_url=" + google.platform().url(GoogleStandIn.PLAYERS_PATH))) {
            ApiClient api = server.client();
            String playerId = unique("g");
            ApiClient.Reply reply = api.authenticate("google", null, tokenBody(google.serverAuthCode("{\"playerId\":\"" + playerId + "\"}")));
            assertEquals(200, reply.status(), reply.toString());
            assertEquals(playerId, account(api, reply).path("user").path("google_id").asText());
        }
    }

    @Test
    void malformedCredentialsStopStartUpWithoutRepeatingThem() {
        RuntimeException error = assertThrows(RuntimeException.class, () -> TestServer.start(dataDir, clock,
                "--google_auth.credentials_json={\"web\":{\"client_secret\":\"do-not-log-me\"}}").close());
        assertTrue(error.getMessage().contains("google_auth.credentials_json lacks client_id or client_secret"), error.getMessage());
        assertTrue(!error.getMessage().contains("do-not-log-me"), error.getMessage());
    }
}
