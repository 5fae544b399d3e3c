package io.guildhall.runtime.admin;

import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.SignUpLoad;
import io.guildhall.runtime.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code guildhall backup} against a server under sign-up load, then the documented restore: a
 * server started on the backup folder has every account acknowledged before the backup began, and
 * the copy is consistent (every account whole).
 */
@Timeout(120)
class BackupTest {
    private static final int CLIENTS = 6;

    @TempDir
    Path dir;

    private static int backup(Path data, Path to, StringBuilder output) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = BackupCommand.run(new String[] {"--to", to.toString(), "--data.dir=" + data}, Map.of(),
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        output.append(bytes.toString(StandardCharsets.UTF_8));
        return code;
    }

    @Test
    void anOnlineBackupRestoresEveryAccountAcknowledgedBeforeIt() throws Exception {
        Path data = dir.resolve("data");
        Path target = dir.resolve("backup");
        List<String> before;
        int duringBackup;
        StringBuilder output = new StringBuilder();
        // small checkpoints, so that the backup meets a log with several segments and checkpoints beside it
        try (TestServer server = TestServer.start(data, "--data.checkpoint_bytes=65536", "--data.checkpoint_interval_sec=1")) {
            ApiClient api = server.client();
            SignUpLoad load = SignUpLoad.start(api, "backup-", CLIENTS);
            before = load.awaitAcknowledged(1500);
            load.mark();
            int code = backup(data, target, output);
            load.unmark();
            duringBackup = load.acknowledgedWhileMarked();
            Thread.sleep(300);
            load.close();
            assertEquals(0, code, output.toString());
            assertTrue(output.toString().contains("running server"), output.toString());
        }
        System.out.printf("backup under load: %d sign-ups before it, %d during it; %s", before.size(),
                duringBackup, output);
        assertTrue(duringBackup > 0, "no sign-up completed while the backup ran: it was not online");
        assertTrue(Files.exists(target.resolve("guildhall.mv.db")));

        // restore: a server started on the backup folder
        Path restored = dir.resolve("restored");
        Files.move(target, restored);
        RestoredBackup.assertHoldsEverySignUp(restored, before);
    }

    @Test
    void withNoServerRunningTheCommandOpensTheStoreItself() throws Exception {
        Path data = dir.resolve("data");
        try (TestServer server = TestServer.start(data)) {
            assertEquals(200, server.client().authenticate("device", null,
                    ApiClient.json(Map.of("id", "offline-device-1"))).status());
        }
        StringBuilder output = new StringBuilder();
        assertEquals(0, backup(data, dir.resolve("copy"), output), output.toString());
        try (TestServer server = TestServer.start(dir.resolve("copy"))) {
            assertEquals(200, server.client().authenticate("device", "create=false",
                    ApiClient.json(Map.of("id", "offline-device-1"))).status());
        }
    }

    @Test
    void aFolderThatIsNotEmptyIsRefused() throws Exception {
        Path data = dir.resolve("data");
        Path target = dir.resolve("busy");
        Files.createDirectories(target);
        Files.writeString(target.resolve("keep.txt"), "mine");
        StringBuilder output = new StringBuilder();
        try (TestServer server = TestServer.start(data)) {
            assertEquals(1, backup(data, target, output));
            assertTrue(output.toString().contains("not empty"), output.toString());
            assertEquals("mine", Files.readString(target.resolve("keep.txt")));
            assertEquals(200, server.client().get("/healthcheck", null).status(), "the server goes on");
        }
    }
}
