package io.guildhall.runtime;

import io.guildhall.runtime.testing.ApiClient;
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
            List<String> lost = new ArrayList<>();
            for (String device : acknowledged) {
                if (api.authenticate("device", "create=false", ApiClient.json(Map.of("id", device))).status() != 200) {
                    lost.add(device);
                }
            }
            assertEquals(List.of(), lost, "acknowledged accounts lost after SIGKILL (of " + acknowledged.size() + ")");
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
        List<CompletableFuture<Integer>> inFlight = new ArrayList<>();
        List<String> emails = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String email = "drain-" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + "@example.com";
            emails.add(email);
            inFlight.add(CompletableFuture.supplyAsync(() -> api.authenticate("email", null,
                    ApiClient.json(Map.of("email", email, "password", "drain-password"))).status()));
        }
        Thread.sleep(300);
        child.terminate();
        for (CompletableFuture<Integer> status : inFlight) {
            assertEquals(200, status.get(30, TimeUnit.SECONDS), "a request in flight at SIGTERM was not answered");
        }
        try (TestServer restarted = TestServer.start(dataDir)) {
            for (String email : emails) {
                assertEquals(200, restarted.client().authenticate("email", "create=false",
                        ApiClient.json(Map.of("email", email, "password", "drain-password"))).status());
            }
        }
    }
}
