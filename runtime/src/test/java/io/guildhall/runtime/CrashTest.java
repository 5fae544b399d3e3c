package io.guildhall.runtime;

import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.SignUpLoad;
import io.guildhall.runtime.testing.ChildServer;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kills the real server process with SIGKILL while clients create accounts, restarts it on the
 * same files, and checks that every acknowledged account and every revocation is still there.
 */
class CrashTest {
    private static final int CLIENTS = 8;
    private static final int ROUNDS = 2;

    @Test
    void acknowledgedAccountsAndRevocationsSurviveSigkill(@TempDir Path dataDir) throws Exception {
        Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
        List<String> revoked = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            ChildServer child = new ChildServer(dataDir);
            ApiClient api = ApiClient.at("http://127.0.0.1:" + child.port());
            ApiClient.Reply session = api.authenticate("custom", null, ApiClient.json(Map.of("id", "revoke-" + UUID.randomUUID())));
            assertEquals(200, api.post("/v2/session/logout", ApiClient.bearer(session.field("token")),
                    ApiClient.json(Map.of("token", session.field("token"), "refresh_token", session.field("refresh_token")))).status());
            revoked.add(session.field("token"));

            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                Thread client = new Thread(() -> {
                    while (true) {
                        String device = "crash-" + UUID.randomUUID();
                        try {
                            if (api.authenticate("device", null, ApiClient.json(Map.of("id", device))).status() == 200) {
                                acknowledged.add(device);
                            }
                        } catch (RuntimeException connectionLost) {
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
        assertTrue(acknowledged.size() > 100, "too few sign-ups to mean anything: " + acknowledged.size());

        try (TestServer restarted = TestServer.start(dataDir)) {
            ApiClient api = restarted.client();
            assertEquals(List.of(), SignUpLoad.missingAccounts(api, acknowledged),
                    "acknowledged accounts lost after SIGKILL (of " + acknowledged.size() + ")");
            for (String token : revoked) {
                assertEquals(401, api.get("/v2/account", ApiClient.bearer(token)).status(), "a revoked token came back");
            }
        }
    }

    @Test
    void sigtermDrainsRequestsInFlightAndClosesTheStoreCleanly(@TempDir Path dataDir) throws Exception {
        // bcrypt at cost 12 keeps a few email sign-ups in flight for a second or more.
        ChildServer child = new ChildServer(dataDir, "--account.bcrypt_cost=12");
        ApiClient api = ApiClient.at("http://127.0.0.1:" + child.port());
        record Answer(String email, ApiClient.Reply reply, long atNanos) {
        }
        List<CompletableFuture<Answer>> inFlight = new ArrayList<>();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(4);
        java.util.concurrent.CountDownLatch sent = new java.util.concurrent.CountDownLatch(4);
        List<String> acknowledged = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                String email = "drain-" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
                inFlight.add(CompletableFuture.supplyAsync(() -> {
                    sent.countDown();
                    ApiClient.Reply reply = api.authenticate("email", null,
                            ApiClient.json(Map.of("email", email, "password", "drain-password")));
                    return new Answer(email, reply, System.nanoTime());
                }, threads));
            }
            sent.await();
            Thread.sleep(300);
            long sigtermAt = System.nanoTime();
            child.terminate();
            boolean drained = false;
            for (CompletableFuture<Answer> future : inFlight) {
                Answer answer = future.get(30, TimeUnit.SECONDS);
                if (answer.reply().status() == 200) {
                    acknowledged.add(answer.email());
                    // a 200 answered after the signal was taken before it (from then on new requests
                    // get 503): it was in flight, and the drain waited for it
                    drained |= answer.atNanos() > sigtermAt;
                } else {
                    // on a loaded machine a request may reach the server only after the signal
                    assertEquals(503, answer.reply().status(), answer.reply().toString());
                    assertEquals("Server is shutting down.", answer.reply().message());
                }
            }
            assertTrue(drained, "no request was in flight at SIGTERM: nothing was drained");
        } finally {
            threads.shutdownNow();
        }
        try (TestServer restarted = TestServer.start(dataDir)) {
            for (String email : acknowledged) {
                assertEquals(200, restarted.client().authenticate("email", "create=false",
                        ApiClient.json(Map.of("email", email, "password", "drain-password"))).status());
            }
        }
    }
}
