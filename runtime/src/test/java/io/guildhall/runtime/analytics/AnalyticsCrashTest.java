package io.guildhall.runtime.analytics;

import io.guildhall.runtime.store.GroupCommitStore;
import io.guildhall.runtime.store.Stores;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.ChildServer;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL of a child server while clients post events (server-event batches and single client
 * events, concurrently); after a restart every acknowledged event is stored exactly once and the
 * analytics tokens revoked before the kill stay revoked, and the session metrics equal a rebuild
 * from the stored events.
 */
class AnalyticsCrashTest {
    private static final String KEY = "c0ffee00-1234-4abc-8def-0123456789ab";
    private static final String[] FLAGS = {"--analytics.api_keys=crash:" + KEY + ":true",
            "--analytics.identity_requests_per_sec=0", "--analytics.address_requests_per_sec=0"};
    private static final int BATCH_CLIENTS = 4;
    private static final int SINGLE_CLIENTS = 4;
    private static final int BATCH = 20;

    private record Acked(String identityId, String eventId) {
    }

    @Test
    void acknowledgedEventsAreThereExactlyOnceAndRevokedTokensStayRevoked(@TempDir Path dataDir) throws Exception {
        Queue<Acked> acknowledged = new ConcurrentLinkedQueue<>();
        List<String> revoked = new ArrayList<>();
        AtomicInteger inFlightAtKill = new AtomicInteger();
        for (int round = 0; round < 2; round++) {
            ChildServer child = new ChildServer(dataDir, FLAGS);
            ApiClient api = ApiClient.at("http://127.0.0.1:" + child.analyticsPort());
            ApiClient.Reply doomed = api.post("/v1/authenticate", ApiClient.basic(KEY),
                    ApiClient.json(Map.of("id", "revoked-" + round + "-" + UUID.randomUUID())));
            assertEquals(200, api.post("/v1/authenticate/logout", ApiClient.bearer(doomed.field("token")), ApiClient.json(
                    Map.of("token", doomed.field("token"), "refresh_token", doomed.field("refresh_token")))).status());
            revoked.add(doomed.field("token"));

            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < BATCH_CLIENTS + SINGLE_CLIENTS; c++) {
                boolean batches = c < BATCH_CLIENTS;
                String identity = "crash-" + UUID.randomUUID().toString().replace("-", "");
                Thread client = new Thread(() -> {
                    String bearer = batches ? null : ApiClient.bearer(api.post("/v1/authenticate", ApiClient.basic(KEY),
                            ApiClient.json(Map.of("id", identity))).field("token"));
                    while (true) {
                        List<Map<String, Object>> events = new ArrayList<>();
                        for (int i = 0; i < (batches ? BATCH : 1); i++) {
                            Map<String, Object> event = new HashMap<>();
                            event.put("name", "crash_event");
                            event.put("id", UUID.randomUUID().toString());
                            if (batches) {
                                event.put("identity_id", identity);
                            }
                            events.add(event);
                        }
                        try {
                            ApiClient.Reply reply = batches
                                    ? api.post("/v1/server-event", ApiClient.basic(KEY), ApiClient.json(Map.of("events", events)))
                                    : api.post("/v1/event", bearer, ApiClient.json(Map.of("events", events)));
                            if (reply.status() == 200) {
                                events.forEach(e -> acknowledged.add(new Acked(identity, (String) e.get("id"))));
                            }
                        } catch (RuntimeException connectionLost) {
                            inFlightAtKill.incrementAndGet();
                            return;
                        }
                    }
                });
                client.start();
                clients.add(client);
            }
            Thread.sleep(1500);
            child.kill();
            for (Thread client : clients) {
                client.join(30_000);
            }
        }
        System.out.println("AnalyticsCrashTest: " + acknowledged.size() + " events acknowledged, "
                + inFlightAtKill.get() + " requests cut by the kills");
        assertTrue(acknowledged.size() > 500, "too few events to mean anything: " + acknowledged.size());
        assertTrue(inFlightAtKill.get() > 0, "the kill should cut requests in flight");

        try (TestServer restarted = TestServer.start(dataDir, FLAGS)) {
            for (String token : revoked) {
                assertEquals(401, restarted.analytics().get("/v1/properties", ApiClient.bearer(token)).status(),
                        "a revoked analytics token came back");
            }
        }
        try (GroupCommitStore raw = Stores.open(Stores.MVSTORE, dataDir)) {
            AnalyticsStore store = new AnalyticsStore(raw, 1800, 86400);
            Map<String, List<Acked>> byIdentity = new HashMap<>();
            acknowledged.forEach(a -> byIdentity.computeIfAbsent(a.identityId(), k -> new ArrayList<>()).add(a));
            List<String> lost = new ArrayList<>();
            List<String> doubled = new ArrayList<>();
            for (Map.Entry<String, List<Acked>> entry : byIdentity.entrySet()) {
                Map<String, Integer> stored = new HashMap<>();
                store.events(entry.getKey(), Integer.MAX_VALUE).forEach(e -> stored.merge(e.clientId(), 1, Integer::sum));
                for (Acked acked : entry.getValue()) {
                    int copies = stored.getOrDefault(acked.eventId(), 0);
                    if (copies == 0) {
                        lost.add(acked.eventId());
                    } else if (copies > 1) {
                        doubled.add(acked.eventId());
                    }
                }
            }
            assertEquals(List.of(), lost, "acknowledged events lost after SIGKILL (of " + acknowledged.size() + ")");
            assertEquals(List.of(), doubled, "events stored twice");
            // the metrics a commit applies with its writes survive the kills exactly as the events do
            Map<String, String> incremental = store.sessionMetrics().dump();
            store.metrics().rebuild().get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(store.sessionMetrics().dump(), incremental, "the session metrics after SIGKILL differ from a rebuild");
        }
    }
}
