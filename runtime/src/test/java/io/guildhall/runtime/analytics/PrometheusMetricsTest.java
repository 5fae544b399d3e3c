package io.guildhall.runtime.analytics;

import io.guildhall.runtime.config.ConfigException;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code GET /metrics} on the console listener: the series the issue lists, counted right, and its token. */
class PrometheusMetricsTest extends AnalyticsTestBase {
    private static String scrape() {
        ApiClient.Reply reply = console.get("/metrics", null);
        assertEquals(200, reply.status(), reply.toString());
        assertTrue(reply.headers().firstValue("content-type").orElse("").startsWith("text/plain"), reply.headers().toString());
        return reply.text();
    }

    /** The value of one series (exact name and labels as Prometheus prints them), or 0 when absent. */
    private static double value(String text, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(text);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void requestsStoreAnalyticsAndJvmSeriesAreServed() {
        String before = scrape();
        String player = newIdentity();
        ApiClient.Reply session = authenticate(player);
        sendEvents(session, List.of(event("a", now()), event("b", now())));
        Map<String, Object> nonPlayer = new HashMap<>(event("spawn", now()));
        assertEquals(200, sendServerEvents(basic(BACKEND_KEY), List.of(nonPlayer)).status());
        Map<String, Object> sessionless = new HashMap<>(event("late", now()));
        sessionless.put("identity_id", newIdentity());
        assertEquals(200, sendServerEvents(basic(BACKEND_KEY), List.of(sessionless)).status());
        assertEquals(404, analytics.get("/v1/no/such/path/" + player, null).status());

        String after = scrape();
        String kind = "guildhall_analytics_events_ingested_total{kind=\"%s\"}";
        assertEquals(2, value(after, kind.formatted("session")) - value(before, kind.formatted("session")), after);
        assertEquals(1, value(after, kind.formatted("non_player")) - value(before, kind.formatted("non_player")));
        assertEquals(1, value(after, kind.formatted("sessionless")) - value(before, kind.formatted("sessionless")));
        assertEquals(0, value(after, kind.formatted("orphaned")) - value(before, kind.formatted("orphaned")));

        String auth = "guildhall_http_requests_seconds_count{listener=\"analytics API\",method=\"POST\",route=\"/v1/authenticate\",status=\"200\"}";
        assertTrue(value(after, auth) >= 1, after);
        assertTrue(after.contains("guildhall_http_requests_seconds_bucket{listener=\"analytics API\",method=\"POST\",route=\"/v1/event\",status=\"200\",le="), after);
        // Unmatched paths share one series: a path with an identity in it never becomes a label.
        assertTrue(value(after, "guildhall_http_requests_seconds_count{listener=\"analytics API\",method=\"GET\",route=\"unmatched\",status=\"404\"}") >= 1);
        assertTrue(!after.contains(player), "no raw path or identity in the labels");
        assertTrue(value(after, "guildhall_store_commit_seconds_count") > value(before, "guildhall_store_commit_seconds_count"));
        assertTrue(value(after, "guildhall_store_fsync_seconds_count") > 0, after);
        assertTrue(value(after, "guildhall_store_commit_batch_writes_count") > 0, after);
        assertTrue(after.contains("guildhall_revocations{surface=\"game\"}"), after);
        assertTrue(after.contains("guildhall_revocations{surface=\"analytics\"}"), after);
        assertTrue(value(after, "guildhall_analytics_sessions_open") >= 1, after);
        assertTrue(after.contains("guildhall_password_work_total{outcome=\"ran\"}"), after);
        assertTrue(after.contains("guildhall_password_work_total{outcome=\"expired\"}"), after);
        assertTrue(after.contains("guildhall_password_waiting "), after);
        assertTrue(after.contains("jvm_memory_used_bytes{"), after);
        assertTrue(after.contains("jvm_gc_"), after);
    }

    @Test
    void beyondLoopbackTheMetricsTokenIsRequired(@org.junit.jupiter.api.io.TempDir Path dir) {
        List<String> open = new ArrayList<>(serverFlags());
        open.add("--console.address=0.0.0.0");
        ConfigException refused = assertThrows(ConfigException.class,
                () -> TestServer.start(dir.resolve("a"), clock, open.toArray(String[]::new)).close());
        assertTrue(refused.getMessage().contains("console.metrics_token"), refused.getMessage());

        open.add("--console.metrics_token=scrape-secret-123");
        try (TestServer guarded = TestServer.start(dir.resolve("b"), clock, open.toArray(String[]::new))) {
            ApiClient.Reply none = guarded.console().get("/metrics", null);
            assertEquals(401, none.status(), none.toString());
            assertEquals(16, none.code(), none.toString());
            assertEquals(401, guarded.console().get("/metrics", ApiClient.bearer("scrape-secret-12")).status());
            ApiClient.Reply ok = guarded.console().get("/metrics", ApiClient.bearer("scrape-secret-123"));
            assertEquals(200, ok.status(), ok.toString());
            assertTrue(ok.text().contains("jvm_memory_used_bytes"));
        }
    }
}
