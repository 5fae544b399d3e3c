package io.guildhall.runtime.plugin;

import io.guildhall.runtime.testing.PlatformStandIn;
import io.guildhall.runtime.testing.PlatformStandIn.Reply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The limits of the shared outbound client, against a real HTTP stand-in. */
class SharedHttpClientTest {
    private final PlatformStandIn platform = PlatformStandIn.start();
    private final SharedHttpClient http = new SharedHttpClient(Duration.ofSeconds(1), Duration.ofMillis(500), 1024);

    @AfterEach
    void stop() {
        platform.close();
    }

    @Test
    void aHungPlatformCostsAtMostTheDeadline() {
        platform.route("/slow", Reply.json("{}"));
        platform.mode(PlatformStandIn.Mode.HANG);
        long start = System.nanoTime();
        assertThrows(IOException.class, () -> http.get(platform.uri("/slow"), Map.of()));
        long tookMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(platform.hits("/slow") == 1, "the request reached the platform");
        assertTrue(tookMs < 3_000, "took " + tookMs + " ms");
    }

    @Test
    void aBodyOverTheCapIsRefused() {
        platform.route("/big", Reply.bytes(new byte[4096]));
        IOException error = assertThrows(IOException.class, () -> http.get(platform.uri("/big"), Map.of()));
        assertTrue(error.getMessage().contains("over 1024 bytes"), error.getMessage());
    }

    @Test
    void redirectsAreFollowedOnlyOnTheSameHost() throws IOException {
        platform.route("/moved", new Reply(302, Map.of("Location", "/here"), new byte[0]));
        platform.route("/here", Reply.json("{\"ok\":true}"));
        assertEquals("{\"ok\":true}", http.get(platform.uri("/moved"), Map.of()).text());

        platform.route("/away", new Reply(302, Map.of("Location", "http://localhost:1/elsewhere"), new byte[0]));
        IOException error = assertThrows(IOException.class, () -> http.get(platform.uri("/away"), Map.of()));
        assertTrue(error.getMessage().contains("refused redirect"), error.getMessage());
    }

    @Test
    void postsCarryTheirBody() throws IOException {
        platform.route("/echo", request -> Reply.json(request.bodyText()));
        assertEquals("{\"a\":1}", http.post(platform.uri("/echo"), Map.of(), "application/json", "{\"a\":1}".getBytes()).text());
    }
}
