package io.guildhall.runtime.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.guildhall.runtime.testing.PlatformStandIn;
import io.guildhall.runtime.testing.PlatformStandIn.Reply;
import io.guildhall.runtime.testing.SettableClock;
import io.guildhall.spi.KeySets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared key-set cache against a real HTTP stand-in, with the clock set by the test. */
class KeySetCacheTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Parses {@code {"kid": "value", ...}}. */
    private static final KeySets.Parser<String> PARSER = response -> {
        Map<String, String> keys = new HashMap<>();
        JsonNode root = JSON.readTree(response.body());
        root.fields().forEachRemaining(e -> keys.put(e.getKey(), e.getValue().asText()));
        return KeySets.Parsed.of(keys);
    };
    private static final String PATH = "/keys";

    private final PlatformStandIn platform = PlatformStandIn.start();
    private final SettableClock clock = new SettableClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final SharedHttpClient http = new SharedHttpClient(Duration.ofSeconds(2), Duration.ofSeconds(2), 64 * 1024);
    private final KeySetCache cache = new KeySetCache(http, clock, Duration.ofHours(1), Duration.ofSeconds(10), 1 << 20);
    private final URI source = platform.uri(PATH);

    @AfterEach
    void stop() {
        platform.close();
    }

    @Test
    void keysAreCachedForTheirMaxAgeThenFetchedAgain() throws IOException {
        platform.route(PATH, Reply.json("{\"a\":\"1\"}", Map.of("Cache-Control", "public, max-age=600")));
        assertEquals("1", cache.key(source, PARSER, "a"));
        clock.advance(Duration.ofSeconds(599));
        assertEquals("1", cache.key(source, PARSER, "a"));
        assertEquals(1, platform.hits(PATH));

        platform.route(PATH, Reply.json("{\"a\":\"2\"}"));
        clock.advance(Duration.ofSeconds(2));
        assertEquals("2", cache.key(source, PARSER, "a"));
        assertEquals(2, platform.hits(PATH));
    }

    @Test
    void anUnknownKeyIdRefetchesOnceThenWaitsForTheInterval() throws IOException {
        platform.route(PATH, Reply.json("{\"a\":\"1\"}"));
        assertEquals("1", cache.key(source, PARSER, "a"));
        clock.advance(Duration.ofSeconds(11));
        platform.route(PATH, Reply.json("{\"a\":\"1\",\"b\":\"2\"}"));
        assertEquals("2", cache.key(source, PARSER, "b"), "a rotated-in key is found by one refetch");
        assertEquals(2, platform.hits(PATH));

        assertNull(cache.key(source, PARSER, "forged"));
        assertNull(cache.key(source, PARSER, "forged-again"));
        assertEquals(2, platform.hits(PATH), "unknown key ids within the interval never reach the platform");
        clock.advance(Duration.ofSeconds(11));
        assertNull(cache.key(source, PARSER, "forged"));
        assertEquals(3, platform.hits(PATH));
    }

    @Test
    void concurrentCallersAfterARotationShareOneFetch() throws Exception {
        platform.route(PATH, Reply.json("{\"old\":\"1\"}"));
        assertEquals("1", cache.key(source, PARSER, "old"));
        clock.advance(Duration.ofSeconds(11));

        int callers = 200;
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger started = new AtomicInteger();
        platform.route(PATH, request -> {
            await(release);
            return Reply.json("{\"old\":\"1\",\"new\":\"2\"}");
        });
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < callers; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    started.incrementAndGet();
                    return cache.key(source, PARSER, "new");
                }));
            }
            go.countDown();
            while (started.get() < callers || platform.hits(PATH) < 2) {
                Thread.sleep(5);
            }
            // Every caller has started and the one fetch is being answered only now.
            release.countDown();
            for (Future<String> result : results) {
                assertEquals("2", result.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, platform.hits(PATH), "one fetch at start, exactly one for the rotation");
    }

    @Test
    void theLastGoodKeysAreKeptWhileThePlatformIsDown() throws IOException {
        platform.route(PATH, Reply.json("{\"a\":\"1\"}"));
        assertEquals("1", cache.key(source, PARSER, "a"));
        platform.mode(PlatformStandIn.Mode.DOWN);
        clock.advance(Duration.ofHours(2));
        assertEquals("1", cache.key(source, PARSER, "a"), "stale keys are served while the platform is down");
        assertEquals(2, platform.hits(PATH));
        assertEquals("1", cache.key(source, PARSER, "a"));
        assertEquals(2, platform.hits(PATH), "a failed fetch is not retried before the interval");
    }

    @Test
    void withNoKeysEverFetchedAnOutageIsAnError() {
        platform.mode(PlatformStandIn.Mode.DOWN);
        IOException error = assertThrows(IOException.class, () -> cache.key(source, PARSER, "a"));
        assertTrue(error.getMessage().contains("no usable keys"), error.getMessage());
    }

    @Test
    void aGarbageAnswerKeepsTheOldKeys() throws IOException {
        platform.route(PATH, Reply.json("{\"a\":\"1\"}"));
        assertEquals("1", cache.key(source, PARSER, "a"));
        platform.route(PATH, Reply.json("not json"));
        clock.advance(Duration.ofHours(2));
        assertEquals("1", cache.key(source, PARSER, "a"));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
