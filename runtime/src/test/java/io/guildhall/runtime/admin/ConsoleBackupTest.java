package io.guildhall.runtime.admin;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.SettableClock;
import io.guildhall.runtime.testing.SignUpLoad;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's backup action against a real server under sign-up load: the folder is named from the
 * clock under {@code data.backup_dir} whatever the request says, a second backup while one runs is
 * refused with 409 code 10, and the documented restore (a server started on the folder) finds every
 * account acknowledged before the backup.
 */
@Timeout(180)
class ConsoleBackupTest {
    private static final String EMAIL = "ops@example.com";
    private static final String PASSWORD = "backup operator password";
    private static final Instant NOW = Instant.parse("2026-11-29T18:35:01.123Z");
    private static final int CLIENTS = 6;

    @TempDir
    Path dir;

    private static String consoleUsers() {
        return "--console.users=" + EMAIL + ":"
                + new String(BCrypt.withDefaults().hash(4, PASSWORD.toCharArray()), StandardCharsets.US_ASCII);
    }

    private static String signIn(ApiClient console) {
        ApiClient.Reply reply = console.post("/v1/console/authenticate", null,
                ApiClient.json(Map.of("email", EMAIL, "password", PASSWORD)));
        assertEquals(200, reply.status(), reply.toString());
        return ApiClient.bearer(reply.field("token"));
    }

    @Test
    void aConsoleBackupUnderLoadRestoresEveryAccountAcknowledgedBeforeIt() throws Exception {
        Path data = dir.resolve("data");
        Path root = dir.resolve("backups");
        Path elsewhere = dir.resolve("elsewhere");
        List<String> before;
        int duringBackup;
        Path backup;
        SettableClock clock = new SettableClock(NOW);
        // small checkpoints, so that the backup meets a log of several segments and checkpoints beside it
        try (TestServer server = TestServer.start(data, clock, consoleUsers(), "--data.backup_dir=" + root,
                "--data.checkpoint_bytes=65536", "--data.checkpoint_interval_sec=1")) {
            ApiClient api = server.client();
            ApiClient console = server.console();
            String token = signIn(console);
            assertEquals(401, console.post("/v1/console/backup", null, "{}").status());
            assertFalse(Files.exists(root), "no backup without a console token");

            SignUpLoad load = SignUpLoad.start(api, "console-backup-", CLIENTS);
            before = load.awaitAcknowledged(1500);
            load.mark();
            // a path in the request is ignored: the server names the folder itself
            ApiClient.Reply reply = console.post("/v1/console/backup?folder=" + elsewhere, token,
                    ApiClient.json(Map.of("folder", elsewhere.toString(), "name", "../../elsewhere")));
            load.unmark();
            duringBackup = load.acknowledgedWhileMarked();
            int afterFirst = load.acknowledgedCount();

            // two at once: one is written, the other refused (409, code 10) rather than queued
            boolean raced = false;
            int attempt = 0;
            for (; attempt < 30 && !raced; attempt++) {
                List<ApiClient.Reply> pair = concurrentBackups(console, token);
                Set<Integer> statuses = new TreeSet<>(List.of(pair.get(0).status(), pair.get(1).status()));
                assertTrue(statuses.equals(Set.of(200)) || statuses.equals(Set.of(200, 409)), pair.toString());
                for (ApiClient.Reply r : pair) {
                    if (r.status() == 409) {
                        assertEquals(10, r.code(), r.toString());
                        raced = true;
                    }
                }
            }
            System.out.printf("two concurrent console backups overlapped at attempt %d%n", attempt);
            load.awaitAcknowledged(afterFirst + 200); // the server goes on taking writes after the backups
            load.close();

            assertEquals(200, reply.status(), reply.toString());
            assertTrue(raced, "no two backups overlapped in 30 attempts: the refusal was not exercised");
            backup = Path.of(reply.field("folder"));
            assertEquals(root.resolve("guildhall-20261129T183501.123Z"), backup);
            assertEquals(backup.getFileName().toString(), reply.field("name"));
            assertEquals(folderBytes(backup), reply.json().path("bytes").asLong(), "the size reported is the size written");
            assertTrue(reply.json().path("duration_ms").isNumber(), reply.toString());
            assertTrue(Files.exists(root.resolve("guildhall-20261129T183501.123Z-1")), "the clock stood still: a suffix");
            assertFalse(Files.exists(elsewhere), "nothing written where the request pointed");
            try (var folders = Files.list(root)) {
                assertTrue(folders.allMatch(f -> f.getFileName().toString().startsWith("guildhall-20261129T183501.123Z")));
            }
        }
        System.out.printf("console backup under load: %d sign-ups before it, %d during it%n", before.size(), duringBackup);
        assertTrue(duringBackup > 0, "no sign-up completed while the backup ran: it was not online");

        // the documented restore: a server started on the backup folder
        RestoredBackup.assertHoldsEverySignUp(backup, before);
    }

    private static List<ApiClient.Reply> concurrentBackups(ApiClient console, String token) throws Exception {
        CyclicBarrier start = new CyclicBarrier(2);
        ApiClient.Reply[] replies = new ApiClient.Reply[2];
        Thread[] threads = new Thread[2];
        for (int i = 0; i < 2; i++) {
            int slot = i;
            threads[i] = new Thread(() -> {
                try {
                    start.await();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                replies[slot] = console.post("/v1/console/backup", token, "{}");
            });
            threads[i].start();
        }
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        return List.of(replies[0], replies[1]);
    }

    private static long folderBytes(Path folder) throws Exception {
        try (var files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
