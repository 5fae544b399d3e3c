package io.guildhall.runtime.store;

import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.TestServer;
import org.h2.store.fs.Recorder;
import org.h2.store.fs.rec.FilePathRec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A disk that fills up under a running server, made deterministic with H2's recording file system:
 * from a given moment every write to the store file fails as "No space left on device".
 */
class StoreFailureTest {
    @TempDir
    Path dir;

    @Test
    void aFullDiskFailsHealthAndAnswers503AndLosesNothingAcknowledged() throws Exception {
        AtomicBoolean diskFull = new AtomicBoolean();
        FilePathRec.register();
        FilePathRec.setRecorder((op, file, data, position) -> {
            if (diskFull.get() && (op == Recorder.WRITE || op == Recorder.TRUNCATE) && file.endsWith(Stores.MVSTORE_FILE)) {
                throw sneaky(new IOException("No space left on device"));
            }
        });
        List<String> acknowledged = new ArrayList<>();
        try (TestServer server = TestServer.start(dir, config -> GroupCommitStore.start(
                MvStoreEngine.open(dir.resolve(Stores.MVSTORE_FILE), "rec:async:"), Duration.ofSeconds(1)))) {
            ApiClient api = server.client();
            ApiClient.Reply first = null;
            for (int i = 0; i < 5; i++) {
                String id = "custom-" + UUID.randomUUID();
                ApiClient.Reply reply = api.authenticate("custom", null, ApiClient.json(Map.of("id", id)));
                assertEquals(200, reply.status(), reply.toString());
                acknowledged.add(id);
                first = first == null ? reply : first;
            }
            assertEquals(200, api.get("/healthcheck", null).status());
            assertEquals(200, api.get("/readycheck", null).status());

            diskFull.set(true);
            ApiClient.Reply refused = api.authenticate("custom", null, ApiClient.json(Map.of("id", "custom-" + UUID.randomUUID())));
            assertEquals(503, refused.status(), refused.toString());
            assertEquals(14, refused.code(), refused.toString());
            assertEquals("Storage is unavailable.", refused.message());
            await(() -> api.get("/healthcheck", null).status() == 503, "healthcheck never turned 503");
            assertEquals(14, api.get("/healthcheck", null).code());
            assertEquals(503, api.get("/readycheck", null).status());
            await(server::storeFailed, "the server never asked to exit after its store broke");
            // every later storage operation is a 503 too, never a 500
            String bearer = ApiClient.bearer(first.field("token"));
            ApiClient.Reply link = api.post("/v2/account/link/device", bearer, ApiClient.json(Map.of("id", "device-" + UUID.randomUUID())));
            assertEquals(503, link.status(), link.toString());
            assertEquals(14, link.code());
            ApiClient.Reply logout = api.post("/v2/session/logout", bearer, "{}");
            assertEquals(503, logout.status(), logout.toString());
        } finally {
            FilePathRec.setRecorder(null);
        }
        // the supervisor restarts the server once space is back: everything acknowledged is there
        try (TestServer restarted = TestServer.start(dir)) {
            for (String id : acknowledged) {
                assertEquals(200, restarted.client().authenticate("custom", "create=false",
                        ApiClient.json(Map.of("id", id))).status(), id);
            }
        }
    }

    private static void await(BooleanSupplier condition, String message) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, message);
            Thread.sleep(20);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable failure) throws E {
        throw (E) failure;
    }
}
