package io.guildhall.runtime.analytics.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guildhall.runtime.testing.PlatformStandIn;
import io.guildhall.runtime.testing.PlatformStandIn.Reply;
import io.guildhall.runtime.testing.SettableClock;
import io.guildhall.spi.analytics.AnalyticsEvent;
import io.guildhall.spi.analytics.AnalyticsException;
import io.guildhall.spi.analytics.Properties;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jwt.JwtClaims;
import org.jose4j.jwt.consumer.JwtConsumerBuilder;
import org.jose4j.keys.HmacKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The remote analytics client's wire behaviour (Nakama's Satori client), against a real HTTP stand-in. */
class RemoteAnalyticsClientTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SIGNING_KEY = "analytics-signing-key-of-at-least-32-bytes!";
    private static final String UUID_KEY = "9f2a5a34-9e64-4c5c-8f1e-8d3f1f0d2c11";

    private final PlatformStandIn satori = PlatformStandIn.start();
    private final SettableClock clock = new SettableClock(Instant.parse("2026-03-01T10:00:00.750Z"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<PlatformStandIn.Request> requests = new ArrayList<>();

    @AfterEach
    void stop() {
        satori.close();
        timer.shutdownNow();
    }

    private RemoteAnalyticsClient client(String apiKey, Duration timeout, int retries) {
        return new RemoteAnalyticsClient(satori.uri("/"), apiKey, "game-server", SIGNING_KEY, timeout, retries, clock, timer);
    }

    private PlatformStandIn.Reply record(PlatformStandIn.Request request, Reply reply) {
        synchronized (requests) {
            requests.add(request);
        }
        return reply;
    }

    @Test
    void authenticateSendsTheApiKeyAndReadsProperties() throws Exception {
        satori.route("/v1/authenticate", request -> record(request,
                Reply.json("{\"properties\":{\"default\":{\"country\":\"GB\"},\"custom\":{\"tier\":\"gold\"},\"computed\":{}}}")));
        Properties properties = client(UUID_KEY, Duration.ofSeconds(2), 0)
                .authenticate("player-1", Map.of("country", "GB"), Map.of("tier", "gold"), true).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("gold", properties.customProperties().get("tier"));
        JsonNode body = JSON.readTree(requests.get(0).body());
        assertEquals("player-1", body.path("id").asText());
        assertTrue(body.path("no_session").asBoolean());
        assertEquals("GB", body.path("default").path("country").asText());
    }

    @Test
    void aUuidKeyGoesAsBasicAndAnyOtherAsBearer() throws Exception {
        satori.route("/v1/server-event", request -> record(request, Reply.json("{}")));
        List<AnalyticsEvent> events = List.of(AnalyticsEvent.of("matchEnded", "p1", clock.instant()));
        client(UUID_KEY, Duration.ofSeconds(2), 0).publishServerEvents(events).toCompletableFuture().get(5, TimeUnit.SECONDS);
        client("plain-key", Duration.ofSeconds(2), 0).publishServerEvents(events).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals(basic(UUID_KEY), requests.get(0).header("Authorization"));
        assertEquals("Bearer plain-key", requests.get(1).header("Authorization"));
        assertEquals("p1", JSON.readTree(requests.get(0).body()).path("events").get(0).path("identity_id").asText());
    }

    @Test
    void identityCallsCarryASessionTokenMintedWithTheSigningKey() throws Exception {
        satori.route("/v1/event", request -> record(request, Reply.json("{}")));
        satori.route("/v1/properties", request -> record(request, Reply.json("{\"default\":{},\"custom\":{\"a\":\"b\"}}")));
        RemoteAnalyticsClient client = client("not-a-uuid-key", Duration.ofSeconds(2), 0);
        client.publishEvents("player-7", List.of(AnalyticsEvent.of("levelUp", "player-7", clock.instant())
                .withMetadata(Map.of("level", "3")).withValue("3"))).toCompletableFuture().get(5, TimeUnit.SECONDS);
        assertEquals("b", client.getProperties("player-7").toCompletableFuture().get(5, TimeUnit.SECONDS).customProperties().get("a"));

        JsonNode events = JSON.readTree(requests.get(0).body()).path("events");
        assertEquals(1, events.size());
        assertEquals("levelUp", events.get(0).path("name").asText());
        assertEquals("2026-03-01T10:00:00Z", events.get(0).path("timestamp").asText(), "RFC 3339 at second precision");
        assertFalse(events.get(0).path("id").asText().isEmpty(), "an id is generated for de-duplication");
        assertEquals("3", events.get(0).path("metadata").path("level").asText());

        String authorization = requests.get(0).header("Authorization");
        assertTrue(authorization.startsWith("Bearer "), authorization);
        JwtClaims claims = new JwtConsumerBuilder()
                .setVerificationKey(new HmacKey(SIGNING_KEY.getBytes(StandardCharsets.UTF_8)))
                .setJwsAlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT, AlgorithmIdentifiers.HMAC_SHA256)
                .setEvaluationTime(org.jose4j.jwt.NumericDate.fromSeconds(clock.instant().getEpochSecond()))
                .setRequireExpirationTime()
                .build().processToClaims(authorization.substring(7));
        assertEquals("player-7", claims.getStringClaimValue("iid"));
        assertEquals("game-server", claims.getStringClaimValue("api"));
        assertEquals(3600, claims.getExpirationTime().getValue() - claims.getIssuedAt().getValue());
        assertFalse(claims.hasClaim("sid"), "Nakama's tokens carry no session id");
        assertEquals(authorization, requests.get(1).header("Authorization"), "properties get uses the same kind of token");
    }

    @Test
    void retriesHonourRetryAfterAndKeepEventIds() throws Exception {
        List<String> bodies = new ArrayList<>();
        satori.route("/v1/server-event", request -> {
            synchronized (bodies) {
                bodies.add(request.bodyText());
                return bodies.size() == 1
                        ? new Reply(503, Map.of("Retry-After", "1"), "busy".getBytes(StandardCharsets.UTF_8))
                        : Reply.json("{}");
            }
        });
        long start = System.nanoTime();
        client(UUID_KEY, Duration.ofSeconds(2), 2)
                .publishServerEvents(List.of(AnalyticsEvent.of("matchEnded", "p1", clock.instant())))
                .toCompletableFuture().get(10, TimeUnit.SECONDS);
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertEquals(2, bodies.size());
        assertTrue(tookMs >= 900, "Retry-After: 1 was honoured, took " + tookMs + " ms");
        assertEquals(JSON.readTree(bodies.get(0)).path("events").get(0).path("id"),
                JSON.readTree(bodies.get(1)).path("events").get(0).path("id"), "a retry sends the same event id");
    }

    @Test
    void onlyTwoHundredIsSuccessAndOtherStatusesAreNotRetried() {
        satori.route("/v1/server-event", new Reply(500, Map.of(), "broken".getBytes(StandardCharsets.UTF_8)));
        CompletionException failure = assertThrows(CompletionException.class, () -> client(UUID_KEY, Duration.ofSeconds(2), 3)
                .publishServerEvents(List.of(AnalyticsEvent.of("e", null, clock.instant()))).toCompletableFuture().join());
        AnalyticsException error = assertInstanceOf(AnalyticsException.class, failure.getCause());
        assertEquals(500, error.status());
        assertEquals("500 status code: broken", error.getMessage());
        assertEquals(1, satori.hits("/v1/server-event"));

        satori.route("/v1/authenticate", new Reply(201, Map.of(), new byte[0]));
        assertThrows(CompletionException.class, () -> client(UUID_KEY, Duration.ofSeconds(2), 0)
                .authenticate("p", Map.of(), Map.of(), false).toCompletableFuture().join());
    }

    @Test
    void aHungServerCostsAClearErrorWithinTheTimeout() {
        satori.route("/v1/server-event", Reply.json("{}"));
        satori.mode(PlatformStandIn.Mode.HANG);
        long start = System.nanoTime();
        CompletionException failure = assertThrows(CompletionException.class, () -> client(UUID_KEY, Duration.ofMillis(300), 0)
                .publishServerEvents(List.of(AnalyticsEvent.of("e", "p", clock.instant()))).toCompletableFuture().join());
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(tookMs < 3_000, "took " + tookMs + " ms");
        assertTrue(failure.getCause().getMessage().contains("did not answer"), failure.getCause().getMessage());
        assertEquals(1, satori.hits("/v1/server-event"), "the request was in flight");
    }

    private static String basic(String key) {
        return "Basic " + Base64.getEncoder().encodeToString((key + ":").getBytes(StandardCharsets.UTF_8));
    }
}
