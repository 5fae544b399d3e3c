package io.guildhall.runtime.social;

import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.PlatformStandIn;
import io.guildhall.runtime.testing.SettableClock;
import io.guildhall.runtime.testing.TestServer;
import org.jose4j.jwk.RsaJsonWebKey;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.guildhall.runtime.social.SocialTests.assertError;
import static io.guildhall.runtime.social.SocialTests.awaitProviderThreads;
import static io.guildhall.runtime.social.SocialTests.bearerOf;
import static io.guildhall.runtime.social.SocialTests.newCustomAccount;
import static io.guildhall.runtime.social.SocialTests.tokenBody;
import static io.guildhall.runtime.social.SocialTests.unique;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Apple sign-in when Apple is unreachable, unconfigured or under a burst: each test runs its own
 * server, so that the provider's threads and the key cache start empty.
 */
class AppleSignInOutageTest {
    private static final String REJECTED = "Could not authenticate Apple profile.";

    @TempDir
    Path dataDir;
    private final SettableClock clock = SettableClock.atSystemTime();

    /** Provider threads are counted by name below: let those of an earlier test's server end first. */
    @BeforeEach
    void noProviderThreadsLeft() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (SocialTests.providerThreads("apple") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, SocialTests.providerThreads("apple"), "threads of an earlier server are still running");
    }

    private static String[] flags(AppleStandIn apple, String... more) {
        return Stream.concat(Stream.of(apple.serverFlags()), Stream.of(more)).toArray(String[]::new);
    }

    @Test
    void notConfiguredAnswersTheSpecsErrorOnAuthenticateAndLink() {
        try (AppleStandIn apple = AppleStandIn.start(clock);
             TestServer server = TestServer.start(dataDir, clock, "--social.apple.jwks_url=" + apple.platform().url(AppleStandIn.JWKS_PATH))) {
            ApiClient api = server.client();
            String token = apple.token(unique("nc."));
            assertError(api.authenticate("apple", null, tokenBody(token)), 400, 9, "Apple authentication is not configured.");
            // The configuration is checked before the request's fields, as in Nakama.
            assertError(api.authenticate("apple", null, "{}"), 400, 9, "Apple authentication is not configured.");
            ApiClient.Reply session = newCustomAccount(api);
            assertError(api.post("/v2/account/link/apple", bearerOf(session), tokenBody(token)),
                    400, 9, "Apple authentication is not configured.");
            // Unlink has no configuration check: a token cannot verify without an audience (Nakama: 401).
            assertError(api.post("/v2/account/unlink/apple", bearerOf(session), tokenBody(token)), 401, 16, REJECTED);
            assertEquals(0, apple.jwksFetches(), "nothing is fetched for a provider that is not configured");
        }
    }

    @Test
    void withApplesEndpointDownAndNoKeysSignInIsRejectedWithinTheTimeout() {
        try (AppleStandIn apple = AppleStandIn.start(clock);
             TestServer server = TestServer.start(dataDir, clock, flags(apple, "--plugins.http_timeout_ms=1000"))) {
            ApiClient api = server.client();
            apple.platform().mode(PlatformStandIn.Mode.DOWN);
            assertError(api.authenticate("apple", null, tokenBody(apple.token(unique("down.")))), 401, 16, REJECTED);
            assertEquals(1, apple.jwksFetches());

            // A platform that never answers: rejected once the configured timeout passes, not hung.
            apple.platform().mode(PlatformStandIn.Mode.HANG);
            clock.advance(Duration.ofSeconds(11)); // past the refetch interval, so the key set is fetched again
            long started = System.nanoTime();
            assertError(api.authenticate("apple", null, tokenBody(apple.token(unique("hang.")))), 401, 16, REJECTED);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            // Bounded by the timeout, with room for a loaded machine's scheduling.
            assertTrue(tookMs >= 900 && tookMs < 8000, "answered after " + tookMs + " ms with a 1000 ms timeout");
            assertEquals(2, apple.jwksFetches());
        }
    }

    @Test
    void twoHundredConcurrentSignInsAfterARotationFetchTheKeysOnce() throws Exception {
        int players = 200;
        try (AppleStandIn apple = AppleStandIn.start(clock);
             TestServer server = TestServer.start(dataDir, clock, flags(apple, "--social.apple.max_in_flight=" + (players + 16)))) {
            ApiClient api = server.client();
            assertEquals(200, api.authenticate("apple", null, tokenBody(apple.token(unique("first.")))).status());
            assertEquals(1, apple.jwksFetches());

            RsaJsonWebKey rotated = apple.publish(AppleStandIn.newKey("apple-key-rotated"));
            clock.advance(Duration.ofSeconds(11));
            List<String> tokens = new ArrayList<>();
            for (int i = 0; i < players; i++) {
                tokens.add(apple.tokenFor(unique("burst.")).signedBy(rotated).sign());
            }
            // The JWKS answer is held until every sign-in is inside the provider at once, so all 200
            // ask for the unknown kid while the one refetch is in flight.
            CountDownLatch allInside = new CountDownLatch(1);
            apple.platform().route(AppleStandIn.JWKS_PATH, request -> {
                if (awaitProviderThreads("apple", players, Duration.ofSeconds(45))) {
                    allInside.countDown();
                }
                return PlatformStandIn.Reply.json(apple.jwks());
            });

            ExecutorService clients = Executors.newFixedThreadPool(players);
            CountDownLatch start = new CountDownLatch(1);
            long[] began = new long[players];
            long[] ended = new long[players];
            List<Future<ApiClient.Reply>> replies = new ArrayList<>();
            try {
                for (int i = 0; i < players; i++) {
                    int n = i;
                    replies.add(clients.submit(() -> {
                        start.await();
                        began[n] = System.nanoTime();
                        ApiClient.Reply reply = api.authenticate("apple", null, tokenBody(tokens.get(n)));
                        ended[n] = System.nanoTime();
                        return reply;
                    }));
                }
                start.countDown();
                for (Future<ApiClient.Reply> reply : replies) {
                    ApiClient.Reply r = reply.get(90, TimeUnit.SECONDS);
                    assertEquals(200, r.status(), r.toString());
                }
            } finally {
                clients.shutdownNow();
            }
            assertEquals(0, allInside.getCount(), "all " + players + " sign-ins were inside the provider at once");
            long lastStart = java.util.Arrays.stream(began).max().orElseThrow();
            long firstEnd = java.util.Arrays.stream(ended).min().orElseThrow();
            assertTrue(lastStart < firstEnd, "every request started before any finished");
            assertEquals(2, apple.jwksFetches(), "one fetch at start, exactly one for the rotation");
        }
    }

    @Test
    void pastMaxInFlightAHungAppleAnswers503WhileOtherProvidersGoOn() throws Exception {
        try (AppleStandIn apple = AppleStandIn.start(clock);
             TestServer server = TestServer.start(dataDir, clock,
                     flags(apple, "--social.apple.max_in_flight=2", "--plugins.http_timeout_ms=3000"))) {
            ApiClient api = server.client();
            apple.platform().mode(PlatformStandIn.Mode.HANG);
            ExecutorService clients = Executors.newFixedThreadPool(2);
            try {
                List<Future<ApiClient.Reply>> hung = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    hung.add(clients.submit(() -> api.authenticate("apple", null, tokenBody(apple.token(unique("hung."))))));
                }
                assertTrue(awaitProviderThreads("apple", 2, Duration.ofSeconds(10)), "two sign-ins wait on Apple");
                assertError(api.authenticate("apple", null, tokenBody(apple.token(unique("third.")))),
                        503, 14, "Too many sign-ins through apple are in progress; try again shortly.");
                ApiClient.Reply device = api.authenticate("device", null, ApiClient.json(Map.of("id", unique("device-"))));
                assertEquals(200, device.status(), "a hung Apple does not hold up other providers: " + device);
                for (Future<ApiClient.Reply> reply : hung) {
                    assertError(reply.get(30, TimeUnit.SECONDS), 401, 16, REJECTED);
                }
            } finally {
                apple.platform().mode(PlatformStandIn.Mode.UP);
                clients.shutdownNow();
            }
        }
    }

    @Test
    void withItsKeyCachedATokenIsCheckedWithoutWaitingForAProviderThread() throws Exception {
        try (AppleStandIn apple = AppleStandIn.start(clock);
             TestServer server = TestServer.start(dataDir, clock,
                     flags(apple, "--social.apple.max_in_flight=1", "--plugins.http_timeout_ms=3000"))) {
            ApiClient api = server.client();
            assertEquals(200, api.authenticate("apple", null, tokenBody(apple.token(unique("warm.")))).status(), "keys cached");
            clock.advance(Duration.ofSeconds(11));
            apple.platform().mode(PlatformStandIn.Mode.HANG);
            ExecutorService clients = Executors.newSingleThreadExecutor();
            try {
                // a token signed by a key Apple has not published yet: its refetch takes the one slot and hangs
                RsaJsonWebKey unpublished = AppleStandIn.newKey("apple-key-next");
                Future<ApiClient.Reply> hung = clients.submit(() -> api.authenticate("apple", null,
                        tokenBody(apple.tokenFor(unique("hung.")).signedBy(unpublished).sign())));
                assertTrue(awaitProviderThreads("apple", 1, Duration.ofSeconds(10)), "the refetch holds Apple's only slot");
                ApiClient.Reply cached = api.authenticate("apple", null, tokenBody(apple.token(unique("cached."))));
                assertEquals(200, cached.status(), "a token whose key is cached needs no provider thread: " + cached);
                assertFalse(hung.isDone(), "the refetch was still in flight");
                assertError(hung.get(30, TimeUnit.SECONDS), 401, 16, REJECTED);
            } finally {
                apple.platform().mode(PlatformStandIn.Mode.UP);
                clients.shutdownNow();
            }
        }
    }
}
