package io.guildhall.runtime.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import at.favre.lib.crypto.bcrypt.BCrypt;
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
 * Runs the unmodified official satori-js SDK ({@code @heroiclabs/satori-js} 2.5.1, pinned by
 * {@code src/test/js/package-lock.json} and installed by the {@code npm ci} step of this module's
 * build) against the real server's analytics API. The behaviours checked are in
 * {@code src/test/js/satori-sdk.test.mjs}; this test passes when that node:test run exits 0, and
 * otherwise fails with the whole node output in its message.
 */
class SatoriJsSdkTest {

    private static final long NODE_TIMEOUT_SECONDS = 120;
    private static final String SCRIPT = "satori-sdk.test.mjs";
    private static final String API_KEY = "5c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5";
    private static final String EMAIL = "sdk@example.com";
    private static final String PASSWORD = "sdk-console-password";

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = NODE_TIMEOUT_SECONDS + 60, unit = TimeUnit.SECONDS)
    void officialSatoriJsSdkWorksAgainstTheAnalyticsApi() throws Exception {
        Path jsDir = Path.of(System.getProperty("user.dir"), "src", "test", "js").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(jsDir.resolve(SCRIPT)), "missing " + jsDir.resolve(SCRIPT));
        assertTrue(
                Files.isRegularFile(jsDir.resolve("node_modules/@heroiclabs/satori-js/package.json")),
                "satori-js is not installed in " + jsDir
                        + "; run `npm ci --ignore-scripts` there (the Maven build does this at generate-test-resources)");
        String hash = new String(BCrypt.withDefaults().hash(4, PASSWORD.toCharArray()), StandardCharsets.US_ASCII);

        try (TestServer server = TestServer.start(dataDir, "--analytics.api_keys=sdk:" + API_KEY,
                "--analytics.flags=theme:dark", "--console.users=" + EMAIL + ":" + hash)) {
            ProcessBuilder pb = new ProcessBuilder(List.of(
                    node(),
                    "--test",
                    "--test-force-exit",
                    "--test-reporter=spec",
                    SCRIPT));
            pb.directory(jsDir.toFile());
            pb.redirectErrorStream(true);
            Map<String, String> env = pb.environment();
            env.put("GUILDHALL_HOST", "127.0.0.1");
            env.put("GUILDHALL_ANALYTICS_PORT", Integer.toString(server.analyticsPort()));
            env.put("GUILDHALL_API_KEY", API_KEY);
            env.put("GUILDHALL_CONSOLE_PORT", Integer.toString(server.consolePort()));
            env.put("GUILDHALL_CONSOLE_EMAIL", EMAIL);
            env.put("GUILDHALL_CONSOLE_PASSWORD", PASSWORD);
            env.put("SCARF_ANALYTICS", "false");
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
            System.out.println("---- node " + SCRIPT + " (port " + server.analyticsPort() + ") ----");
            System.out.println(output);
            System.out.println("---- end of node output ----");

            if (!finished) {
                fail("node " + SCRIPT + " did not finish within " + NODE_TIMEOUT_SECONDS + " s; output:\n" + output);
            }
            assertEquals(0, process.exitValue(),
                    () -> "node " + SCRIPT + " failed (exit " + process.exitValue() + "); output:\n" + output);
            assertTrue(output.contains("pass 7") && output.contains("fail 0"), output);
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
