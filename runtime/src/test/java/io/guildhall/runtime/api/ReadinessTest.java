package io.guildhall.runtime.api;

import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Load balancers see a draining server as not ready, while its requests in flight still finish. */
class ReadinessTest {
    @TempDir
    Path dir;

    @Test
    void readycheckIs503WhileTheServerDrains() throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(2);
        // bcrypt at cost 14 keeps one email sign-up in flight for a while
        TestServer server = TestServer.start(dir, "--account.bcrypt_cost=14", "--shutdown_grace_sec=30");
        try {
            ApiClient api = server.client();
            assertEquals(200, api.get("/readycheck", null).status());
            CompletableFuture<Integer> slow = CompletableFuture.supplyAsync(() -> api.authenticate("email", null,
                    ApiClient.json(Map.of("email", "slow" + UUID.randomUUID().toString().substring(0, 8) + "@example.com",
                            "password", "slow-password"))).status(), threads);
            Thread.sleep(300);
            assertFalse(slow.isDone(), "the sign-up finished before the drain began");
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close, threads);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            ApiClient.Reply ready = api.get("/readycheck", null);
            while (ready.status() == 200 && System.nanoTime() < until) {
                Thread.sleep(10);
                ready = api.get("/readycheck", null);
            }
            assertEquals(503, ready.status(), ready.toString());
            assertEquals(14, ready.code());
            assertFalse(slow.isDone(), "nothing was in flight while the server drained");
            assertEquals(200, slow.get(60, TimeUnit.SECONDS), "the request in flight was not finished");
            closing.get(60, TimeUnit.SECONDS);
            assertTrue(closing.isDone());
        } finally {
            server.close();
            threads.shutdownNow();
        }
    }
}
