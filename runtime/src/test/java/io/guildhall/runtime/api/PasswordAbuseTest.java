package io.guildhall.runtime.api;

import io.guildhall.runtime.http.LoginAttempts;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Online password guessing is throttled per account and per client address. */
class PasswordAbuseTest {
    @TempDir
    Path dir;

    private static String email() {
        return "p" + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
    }

    private static ApiClient.Reply login(ApiClient client, String email, String password) {
        return client.authenticate("email", "create=false", ApiClient.json(Map.of("email", email, "password", password)));
    }

    @Test
    void fiveWrongPasswordsLockTheAccountEvenForTheRightOne() {
        try (TestServer server = TestServer.start(dir, "--account.login_failures_per_address=1000")) {
            ApiClient client = server.client();
            String email = email();
            assertEquals(200, client.authenticate("email", null,
                    ApiClient.json(Map.of("email", email, "password", "correct-horse"))).status());
            for (int i = 0; i < 5; i++) {
                assertEquals(401, login(client, email, "wrong-horse-" + i).status());
            }
            ApiTestBase.assertError(login(client, email, "correct-horse"), 429, 8, LoginAttempts.LOCKED);
            // another account is not affected
            String other = email();
            assertEquals(200, client.authenticate("email", null,
                    ApiClient.json(Map.of("email", other, "password", "correct-horse"))).status());
            assertEquals(200, login(client, other, "correct-horse").status());
        }
    }

    @Test
    void anAddressWithTenFailuresIsLockedWhicheverAccountItTries() {
        try (TestServer server = TestServer.start(dir)) {
            ApiClient client = server.client();
            String mine = email();
            assertEquals(200, client.authenticate("email", null,
                    ApiClient.json(Map.of("email", mine, "password", "correct-horse"))).status());
            for (int i = 0; i < 10; i++) {
                // unknown accounts count too: guessing which emails exist is guessing
                assertEquals(404, login(client, email(), "whatever-horse").status());
            }
            ApiTestBase.assertError(login(client, mine, "correct-horse"), 429, 8, LoginAttempts.LOCKED);
            ApiTestBase.assertError(client.authenticate("email", "username=someone",
                    ApiClient.json(Map.of("password", "whatever-horse"))), 429, 8, LoginAttempts.LOCKED);
            // sign-ins without a password are not throttled
            assertEquals(200, client.authenticate("device", null, ApiClient.json(Map.of("id", "device-" + UUID.randomUUID()))).status());
        }
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnLimit() throws Exception {
        try (TestServer server = TestServer.start(dir, "--socket.trusted_proxies=127.0.0.1,10.9.0.0/16",
                "--account.login_failures_per_address=3")) {
            for (int i = 0; i < 3; i++) {
                assertEquals(404, forwarded(server, "203.0.113.7, 10.9.1.1").statusCode());
            }
            assertEquals(429, forwarded(server, "203.0.113.7, 10.9.1.1").statusCode());
            // the next player behind the same balancer is not locked
            assertEquals(404, forwarded(server, "203.0.113.8, 10.9.1.1").statusCode());
            // a client cannot pick its address by adding its own X-Forwarded-For entry on the left
            assertEquals(429, forwarded(server, "198.51.100.1, 203.0.113.7, 10.9.1.1").statusCode());
        }
        try (TestServer server = TestServer.start(dir.resolve("untrusted"), "--account.login_failures_per_address=3")) {
            // without trusted proxies the header is ignored: every forwarded client is the peer
            for (int i = 0; i < 3; i++) {
                assertEquals(404, forwarded(server, "203.0.113." + i).statusCode());
            }
            assertEquals(429, forwarded(server, "203.0.113.99").statusCode());
        }
    }

    private static HttpResponse<String> forwarded(TestServer server, String forwardedFor) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url(
                        "/v2/account/authenticate/email?create=false")))
                .header("Authorization", ApiClient.basic("defaultkey"))
                .header("X-Forwarded-For", forwardedFor)
                .POST(HttpRequest.BodyPublishers.ofString(ApiClient.json(Map.of("email", email(), "password", "whatever-horse"))))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
