package io.guildhall.runtime.analytics;

import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.analytics.client.RemoteAnalyticsClient;
import io.guildhall.spi.analytics.AnalyticsClient;
import io.guildhall.spi.analytics.AnalyticsEvent;
import io.guildhall.spi.analytics.Properties;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The runtime's remote analytics client (how Nakama talks to Satori, spec §11: Basic API key for
 * authenticate and server events, self-minted HS256 tokens without {@code sid} for the rest)
 * against this server's own analytics API over HTTP.
 */
class RemoteClientAgainstAnalyticsApiTest extends AnalyticsTestBase {
    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void nakamasWayOfCallingTheAnalyticsApiWorks() throws Exception {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        try {
            AnalyticsClient client = new RemoteAnalyticsClient(URI.create("http://127.0.0.1:" + server.analyticsPort() + "/"),
                    BACKEND_KEY, "backend", SESSION_KEY, Duration.ofSeconds(5), 0, clock, timer);
            String player = newIdentity();
            Properties properties = await(client.authenticate(player, Map.of("country", "GB"), Map.of(), false));
            assertEquals("GB", properties.defaultProperties().get("country"));
            await(client.publishEvents(player, List.of(AnalyticsEvent.of("level_up", null, now()))));
            await(client.publishServerEvents(List.of(AnalyticsEvent.of("reward", player, now()))));
            await(client.updateProperties(player, Map.of(), Map.of("vip", "yes"), false));
            assertEquals("yes", await(client.getProperties(player)).customProperties().get("vip"));

            JsonNode events = eventsOf(player);
            assertEquals(2, events.size(), events.toString());
            events.forEach(e -> assertEquals("ATTRIBUTED", e.path("kind").asText(), e.toString()));
            assertEquals(1, sessionsOf(player).size());

            await(client.deleteIdentity(player));
            assertEquals(0, eventsOf(player).size());
        } finally {
            timer.shutdownNow();
        }
    }
}
