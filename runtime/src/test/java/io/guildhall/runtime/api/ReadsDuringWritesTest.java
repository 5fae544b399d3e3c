package io.guildhall.runtime.api;

import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.Concurrently;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reads answered while sign-ups keep the store committing: a read that waits for the durability
 * barrier must still get its full answer (not an empty 200), and never an error.
 */
class ReadsDuringWritesTest extends ApiTestBase {
    @Test
    void readsWaitingForACommitStillGetTheirAnswer() throws Exception {
        ApiClient.Reply session = newAccount();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        List<Supplier<Integer>> workers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            workers.add(() -> {
                long until = System.currentTimeMillis() + 1500;
                int n = 0;
                while (System.currentTimeMillis() < until) {
                    api.authenticate("device", null, ApiClient.json(Map.of("id", unique("write-"))));
                    n++;
                }
                return n;
            });
            workers.add(() -> {
                long until = System.currentTimeMillis() + 1500;
                int n = 0;
                while (System.currentTimeMillis() < until) {
                    ApiClient.Reply account = api.get("/v2/account", bearerOf(session));
                    if (account.status() != 200 || account.json() == null || !account.json().has("user")) {
                        wrong.add("GET /v2/account -> " + account);
                    }
                    ApiClient.Reply refreshed = api.post("/v2/account/session/refresh", ApiClient.basic("defaultkey"),
                            ApiClient.json(Map.of("token", session.field("refresh_token"))));
                    if (refreshed.status() != 200 || refreshed.field("token") == null) {
                        wrong.add("refresh -> " + refreshed);
                    }
                    n++;
                }
                return n;
            });
        }
        int requests = Concurrently.run(workers).stream().mapToInt(Integer::intValue).sum();
        assertTrue(requests > 50, "too little traffic to mean anything: " + requests);
        assertEquals(List.of(), new ArrayList<>(wrong));
    }
}
