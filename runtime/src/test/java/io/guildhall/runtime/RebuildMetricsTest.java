package io.guildhall.runtime;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.fasterxml.jackson.databind.JsonNode;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.SettableClock;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The offline {@code rebuild-metrics} command refuses a store a running server holds open and
 * rebuilds a stopped one; a server started with other metric settings rebuilds by itself.
 */
class RebuildMetricsTest {
    private static final String KEY = "0b7c6d1e-1111-4a2b-8c3d-4e5f60718293";
    private static final Instant T0 = Instant.parse("2026-04-01T10:00:00Z");

    @TempDir
    Path dir;

    private String[] flags(String... extra) {
        String hash = new String(BCrypt.withDefaults().hash(4, "pw-pw-pw-pw".toCharArray()), StandardCharsets.US_ASCII);
        List<String> all = new java.util.ArrayList<>(List.of("--analytics.api_keys=game:" + KEY + ":false",
                "--console.users=ops@example.com:" + hash));
        all.addAll(List.of(extra));
        return all.toArray(String[]::new);
    }

    private static JsonNode day(TestServer server) {
        ApiClient console = server.console();
        String token = console.post("/v1/console/authenticate", null,
                ApiClient.json(Map.of("email", "ops@example.com", "password", "pw-pw-pw-pw"))).field("token");
        ApiClient.Reply reply = console.get("/v1/console/metrics/days?from=2026-04-01&to=2026-04-01", ApiClient.bearer(token));
        assertEquals(200, reply.status(), reply.toString());
        return reply.json().path("days").get(0);
    }

    private int rebuild(ByteArrayOutputStream out, ByteArrayOutputStream err) {
        return RebuildMetrics.run(new String[]{"rebuild-metrics", "--data.dir=" + dir}, Map.of(),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void refusesAnOpenStoreRebuildsAStoppedOneAndNewSettingsRebuildAtStart() {
        SettableClock clock = new SettableClock(T0);
        JsonNode before;
        try (TestServer server = TestServer.start(dir, clock, flags())) {
            ApiClient.Reply session = server.analytics().post("/v1/authenticate", ApiClient.basic(KEY),
                    ApiClient.json(Map.of("id", "player-rebuild-1")));
            clock.set(T0.plusSeconds(600)); // a gap of 10 minutes: 300 s of it counts as active
            ApiClient.Reply sent = server.analytics().post("/v1/event", ApiClient.bearer(session.field("token")),
                    ApiClient.json(Map.of("events", List.of(Map.of("name", "tick", "timestamp", T0.plusSeconds(600).toString())))));
            assertEquals(200, sent.status(), sent.toString());
            before = day(server);
            assertEquals(600_000, before.path("playtime_ms").asLong(), before.toString());
            assertEquals(300_000, before.path("active_playtime_ms").asLong(), before.toString());

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            assertEquals(1, rebuild(out, err), out.toString());
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("is a server running on it?"), err.toString());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, rebuild(out, err), err.toString());
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("1 sessions and 1 events"), out.toString());
        try (TestServer server = TestServer.start(dir, clock, flags())) {
            assertEquals(before, day(server));
        }
        try (TestServer server = TestServer.start(dir, clock, flags("--analytics.idle_cap_sec=60"))) {
            JsonNode capped = day(server);
            assertEquals(600_000, capped.path("playtime_ms").asLong(), capped.toString());
            assertEquals(60_000, capped.path("active_playtime_ms").asLong(), capped.toString());
        }
    }
}
