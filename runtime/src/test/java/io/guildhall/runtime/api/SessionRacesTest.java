package io.guildhall.runtime.api;

import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.Concurrently;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sessions that end while other requests race them. */
class SessionRacesTest {
    @TempDir
    Path dir;

    /** A request's reply and when it ran, to prove that requests overlapped. */
    record Timed(ApiClient.Reply reply, long startNanos, long endNanos) {
    }

    /** Runs every task at once (see {@link Concurrently}), timing each. */
    static List<Timed> race(List<Supplier<ApiClient.Reply>> tasks) {
        List<Supplier<Timed>> timed = new ArrayList<>();
        for (Supplier<ApiClient.Reply> task : tasks) {
            timed.add(() -> {
                long start = System.nanoTime();
                ApiClient.Reply reply = task.get();
                return new Timed(reply, start, System.nanoTime());
            });
        }
        return Concurrently.run(timed);
    }

    static boolean overlapped(List<Timed> timed) {
        long lastStart = timed.stream().mapToLong(Timed::startNanos).max().orElseThrow();
        long firstEnd = timed.stream().mapToLong(Timed::endNanos).min().orElseThrow();
        return lastStart < firstEnd;
    }

    @Test
    void concurrentSignInsWithSingleSessionLeaveExactlyOneLiveSession() {
        try (TestServer server = TestServer.start(dir, "--session.single_session=true")) {
            ApiClient client = server.client();
            int raced = 0;
            for (int round = 0; round < 10; round++) {
                String id = "race-" + UUID.randomUUID();
                assertEquals(200, client.authenticate("custom", null, ApiClient.json(Map.of("id", id))).status());
                List<Supplier<ApiClient.Reply>> signIns = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    signIns.add(() -> client.authenticate("custom", null, ApiClient.json(Map.of("id", id))));
                }
                List<Timed> replies = race(signIns);
                raced += overlapped(replies) ? 1 : 0;
                int live = 0;
                for (Timed timed : replies) {
                    assertEquals(200, timed.reply().status(), timed.reply().toString());
                    int status = client.get("/v2/account", ApiClient.bearer(timed.reply().field("token"))).status();
                    live += status == 200 ? 1 : 0;
                }
                assertEquals(1, live, "live sessions after 8 concurrent sign-ins in round " + round);
            }
            assertTrue(raced > 0, "the sign-ins never overlapped");
        }
    }

    @Test
    void noTokenOfADeletedAccountWorksAfterTheDeleteIsAcknowledged() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            ApiClient client = server.client();
            int raced = 0;
            for (int round = 0; round < 10; round++) {
                String id = "doomed-" + UUID.randomUUID();
                ApiClient.Reply first = client.authenticate("custom", null, ApiClient.json(Map.of("id", id)));
                String userId = AuthenticateTest.payload(first.field("token")).get("uid").asText();
                List<Supplier<ApiClient.Reply>> racing = new ArrayList<>();
                racing.add(() -> client.send("DELETE", "/v2/account", ApiClient.bearer(first.field("token")), null));
                for (int i = 0; i < 7; i++) {
                    racing.add(() -> client.authenticate("custom", "create=false", ApiClient.json(Map.of("id", id))));
                }
                List<Timed> replies = race(racing);
                raced += overlapped(replies) ? 1 : 0;
                assertEquals(200, replies.get(0).reply().status(), replies.get(0).reply().toString());
                for (Timed timed : replies.subList(1, replies.size())) {
                    ApiClient.Reply reply = timed.reply();
                    if (reply.status() == 200) {
                        assertEquals(userId, AuthenticateTest.payload(reply.field("token")).get("uid").asText());
                        assertEquals(401, client.get("/v2/account", ApiClient.bearer(reply.field("token"))).status(),
                                "a session of the deleted account still works");
                        int refreshed = client.post("/v2/account/session/refresh", ApiClient.basic("defaultkey"),
                                ApiClient.json(Map.of("token", reply.field("refresh_token")))).status();
                        assertTrue(refreshed == 401 || refreshed == 404, "refresh of a deleted account answered " + refreshed);
                    } else {
                        assertEquals(404, reply.status(), reply.toString());
                    }
                }
            }
            assertTrue(raced > 0, "the delete never overlapped a sign-in");
        }
    }
}
