package io.guildhall.runtime.analytics;

import io.guildhall.runtime.config.ConfigLoader;
import io.guildhall.runtime.store.GroupCommitStore;
import io.guildhall.runtime.store.Stores;
import io.guildhall.runtime.testing.SettableClock;
import io.guildhall.spi.analytics.AnalyticsClient;
import io.guildhall.spi.analytics.AnalyticsEvent;
import io.guildhall.spi.analytics.AnalyticsException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server modules' in-process analytics client, on a real store: the same rules as the HTTP API. */
class EmbeddedAnalyticsTest {
    @TempDir
    Path dir;

    private static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    @Test
    void modulesAuthenticatePublishAndEraseWithoutAKey() throws Exception {
        SettableClock clock = new SettableClock(Instant.parse("2026-03-02T10:00:00Z"));
        try (GroupCommitStore raw = Stores.open(Stores.MVSTORE, dir)) {
            Analytics analytics = new Analytics(ConfigLoader.load(new String[0], Map.of()), raw, clock);
            AnalyticsClient client = analytics.embeddedClient();
            AnalyticsStore store = analytics.store();

            assertEquals("GB", await(client.authenticate("module-player-1", Map.of("country", "GB"), Map.of(), false))
                    .defaultProperties().get("country"));
            clock.advance(Duration.ofMinutes(5));
            await(client.publishEvents("module-player-1", List.of(AnalyticsEvent.of("match_won", null, clock.instant()))));
            await(client.publishServerEvents(List.of(
                    AnalyticsEvent.of("reward_granted", "module-player-1", clock.instant()),
                    AnalyticsEvent.of("boss_spawned", null, clock.instant()),
                    AnalyticsEvent.of("", "module-player-1", clock.instant()))));

            List<EventRecord> events = store.events("module-player-1", 100);
            assertEquals(List.of("match_won", "reward_granted"), events.stream().map(EventRecord::name).sorted().toList());
            assertTrue(events.stream().allMatch(e -> e.kind() == EventRecord.Kind.ATTRIBUTED), events.toString());
            assertEquals(EmbeddedAnalytics.SOURCE, events.get(0).source());
            assertEquals(1, store.nonPlayerEvents(100).size());
            assertEquals("INVALID_NAME", analytics.rejected().list("module-player-1", 10).get(0).reason());

            ExecutionException bad = assertThrows(ExecutionException.class,
                    () -> await(client.getProperties("bad id!")));
            assertInstanceOf(AnalyticsException.class, bad.getCause());
            assertEquals(400, ((AnalyticsException) bad.getCause()).status());

            await(client.deleteIdentity("module-player-1"));
            assertTrue(store.events("module-player-1", 100).isEmpty());
            assertTrue(store.sessions("module-player-1").isEmpty());
            assertTrue(await(client.getProperties("module-player-1")).defaultProperties().isEmpty());
        }
    }
}
