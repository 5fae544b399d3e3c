package io.guildhall.runtime.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.guildhall.runtime.testing.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the unmodified official JavaScript SDK ({@code @heroiclabs/nakama-js} 2.8.0, pinned by
 * {@code src/test/js/package-lock.json} and installed by the {@code npm ci} step of this module's
 * build) against the real server, started in-process with its default configuration. The server's
 * default 60 s session lifetime makes the SDK refresh the session before every call, so the
 * pre-emptive refresh path is exercised throughout. A second server runs with refresh-token rotation
 * on, for the SDK's concurrent pre-emptive refreshes against it.
 *
 * <p>The behaviours checked are in {@code src/test/js/nakama-sdk.test.mjs}; this test passes when
 * that node:test run exits 0, and otherwise fails with the whole node output in its message.
 */
class NakamaJsSdkTest {

    private static final long NODE_TIMEOUT_SECONDS = 120;
    private static final String SCRIPT = "nakama-sdk.test.mjs";

    /** A short reuse grace for the second server, so the test can outwait it. */
    private static final int ROTATION_GRACE_SEC = 2;

    @TempDir
    Path dataDir;
    @TempDir
    Path rotationDataDir;

    @Test
    @Timeout(value = NODE_TIMEOUT_SECONDS + 60, unit = TimeUnit.SECONDS)
    void officialJsSdkWorksAgainstTheServer() throws Exception {
        Path jsDir = Path.of(System.getProperty("user.dir"), "src", "test", "js").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(jsDir.resolve(SCRIPT)), "missing " + jsDir.resolve(SCRIPT));
        assertTrue(
                Files.isRegularFile(jsDir.resolve("node_modules/@heroiclabs/nakama-js/package.json")),
                "nakama-js is not installed in " + jsDir
                        + "; run `npm ci --ignore-scripts` there (the Maven build does this at generate-test-resources)");

        try (TestServer server = TestServer.start(dataDir);
             TestServer rotating = TestServer.start(rotationDataDir, "--session.refresh_token_rotation=true",
                     "--session.refresh_token_reuse_grace_sec=" + ROTATION_GRACE_SEC)) {
            Map<String, String> env = new java.util.HashMap<>();
            env.put("GUILDHALL_HOST", "127.0.0.1");
            env.put("GUILDHALL_PORT", Integer.toString(server.port()));
            env.put("GUILDHALL_SERVER_KEY", "defaultkey");
            env.put("GUILDHALL_ROTATION_PORT", Integer.toString(rotating.port()));
            env.put("GUILDHALL_ROTATION_GRACE_SEC", Integer.toString(ROTATION_GRACE_SEC));
            runNode(jsDir, SCRIPT, env);
        }
    }

    private static final String ROTATION_SCRIPT = "nakama-rotation.test.mjs";
    private static final String KEY_A = "session-key-A-0123456789abcdef0123456789";
    private static final String KEY_B = "session-key-B-0123456789abcdef0123456789";
    private static final String REFRESH_A = "refresh-key-A-0123456789abcdef0123456789";
    private static final String REFRESH_B = "refresh-key-B-0123456789abcdef0123456789";

    /**
     * A key rotation with restarts: a session the SDK got under keys A keeps working (used and
     * refreshed) after a restart that signs with keys B and keeps A as previous keys, and ends after
     * a restart without A.
     */
    @Test
    @Timeout(value = 3 * NODE_TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
    void sdkSessionsSurviveASigningKeyRotation(@TempDir Path stateDir) throws Exception {
        Path jsDir = Path.of(System.getProperty("user.dir"), "src", "test", "js").toAbsolutePath().normalize();
        Path state = stateDir.resolve("session.json");
        String[][] phases = {
                {"sign-in", "--session.encryption_key=" + KEY_A, "--session.refresh_encryption_key=" + REFRESH_A},
                {"rotated", "--session.encryption_key=" + KEY_B, "--session.previous_encryption_keys=" + KEY_A,
                        "--session.refresh_encryption_key=" + REFRESH_B, "--session.previous_refresh_encryption_keys=" + REFRESH_A},
                {"removed", "--session.encryption_key=" + KEY_B, "--session.refresh_encryption_key=" + REFRESH_B}};
        for (String[] phase : phases) {
            try (TestServer server = TestServer.start(dataDir, java.util.Arrays.copyOfRange(phase, 1, phase.length))) {
                runNode(jsDir, ROTATION_SCRIPT, Map.of(
                        "GUILDHALL_HOST", "127.0.0.1",
                        "GUILDHALL_PORT", Integer.toString(server.port()),
                        "GUILDHALL_SERVER_KEY", "defaultkey",
                        "GUILDHALL_ROTATION_PHASE", phase[0],
                        "GUILDHALL_STATE_FILE", state.toString()));
            }
        }
    }

    /** Runs one node:test script to completion; fails with its whole output unless it exits 0. */
    private static void runNode(Path jsDir, String script, Map<String, String> variables) throws Exception {
        {
            ProcessBuilder pb = new ProcessBuilder(List.of(
                    node(),
                    "--test",
                    "--test-force-exit",
                    "--test-reporter=spec",
                    script));
            pb.directory(jsDir.toFile());
            pb.redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            env.putAll(variables);
            env.put("NO_COLOR", "1");
            env.put("FORCE_COLOR", "0");
            env.remove("NODE_OPTIONS");
            env.remove("NODE_TEST_CONTEXT");

            Process process = pb.start();
            process.getOutputStream().close();
            OutputCollector collector = new OutputCollector(process.getInputStream());
            collector.start();

            boolean finished = process.waitFor(NODE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            if (!finished) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            collector.join(TimeUnit.SECONDS.toMillis(10));
            String output = collector.text();
            System.out.println("---- node " + script + " (port " + variables.get("GUILDHALL_PORT") + ") ----");
            System.out.println(output);
            System.out.println("---- end of node output ----");

            if (!finished) {
                fail("node " + script + " did not finish within " + NODE_TIMEOUT_SECONDS + " s; output:\n" + output);
            }
            assertEquals(0, process.exitValue(),
                    () -> "node " + script + " failed (exit " + process.exitValue() + "); output:\n" + output);
        }
    }

    /** The node executable: {@code -Dguildhall.node=...} or {@code GUILDHALL_NODE}, else {@code node} on the PATH. */
    private static String node() {
        String configured = System.getProperty("guildhall.node");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("GUILDHALL_NODE");
        }
        return configured == null || configured.isBlank() ? "node" : configured;
    }

    /** Drains a process's merged output on its own thread so the child never blocks on a full pipe. */
    private static final class OutputCollector extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        OutputCollector(InputStream in) {
            super("node-output");
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            byte[] chunk = new byte[8192];
            try (InputStream stream = in) {
                int n;
                while ((n = stream.read(chunk)) >= 0) {
                    synchronized (buffer) {
                        buffer.write(chunk, 0, n);
                    }
                }
            } catch (IOException e) {
                if (!"Stream closed".equals(e.getMessage())) {
                    throw new UncheckedIOException(e);
                }
            }
        }

        String text() {
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
