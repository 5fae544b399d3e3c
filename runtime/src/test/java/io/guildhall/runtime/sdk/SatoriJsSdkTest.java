package io.guildhall.runtime.sdk;

import static org.junit.jupiter.api.Assertions.assertTrue;

import at.favre.lib.crypto.bcrypt.BCrypt;
import io.guildhall.runtime.testing.NodeScript;
import io.guildhall.runtime.testing.RotationPhases;
import io.guildhall.runtime.testing.TestServer;
import java.nio.charset.StandardCharsets;
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
        String hash = new String(BCrypt.withDefaults().hash(4, PASSWORD.toCharArray()), StandardCharsets.US_ASCII);

        try (TestServer server = TestServer.start(dataDir, "--analytics.api_keys=sdk:" + API_KEY,
                "--analytics.flags=theme:dark", "--console.users=" + EMAIL + ":" + hash)) {
            String output = NodeScript.run(SCRIPT, "@heroiclabs/satori-js", Map.of(
                    "GUILDHALL_HOST", "127.0.0.1",
                    "GUILDHALL_ANALYTICS_PORT", Integer.toString(server.analyticsPort()),
                    "GUILDHALL_API_KEY", API_KEY,
                    "GUILDHALL_CONSOLE_PORT", Integer.toString(server.consolePort()),
                    "GUILDHALL_CONSOLE_EMAIL", EMAIL,
                    "GUILDHALL_CONSOLE_PASSWORD", PASSWORD), NODE_TIMEOUT_SECONDS);
            assertTrue(output.contains("pass 7") && output.contains("fail 0"), output);
        }
    }

    private static final String ROTATION_SCRIPT = "satori-rotation.test.mjs";
    private static final String SESSION_A = "analytics-session-key-A-0123456789abcdef";
    private static final String SESSION_B = "analytics-session-key-B-0123456789abcdef";
    private static final String REFRESH_A = "analytics-refresh-key-A-0123456789abcdef";
    private static final String REFRESH_B = "analytics-refresh-key-B-0123456789abcdef";

    /**
     * An analytics key rotation with restarts: a session the SDK got under keys A keeps working (used
     * and refreshed) after a restart that signs with keys B and keeps A as previous keys, and ends
     * after a restart without A.
     */
    @Test
    @Timeout(value = 3 * NODE_TIMEOUT_SECONDS, unit = TimeUnit.SECONDS)
    void sdkSessionsSurviveASigningKeyRotation(@TempDir Path stateDir) throws Exception {
        Path state = stateDir.resolve("session.json");
        String[][] phases = {
                {"sign-in", "--analytics.session_signing_key=" + SESSION_A, "--analytics.refresh_signing_key=" + REFRESH_A},
                {"rotated", "--analytics.session_signing_key=" + SESSION_B, "--analytics.previous_session_signing_keys=" + SESSION_A,
                        "--analytics.refresh_signing_key=" + REFRESH_B, "--analytics.previous_refresh_signing_keys=" + REFRESH_A},
                {"removed", "--analytics.session_signing_key=" + SESSION_B, "--analytics.refresh_signing_key=" + REFRESH_B}};
        RotationPhases.run(dataDir, List.of("--analytics.api_keys=sdk:" + API_KEY), phases, (server, phase) -> {
            String output = NodeScript.run(ROTATION_SCRIPT, "@heroiclabs/satori-js", Map.of(
                    "GUILDHALL_HOST", "127.0.0.1",
                    "GUILDHALL_ANALYTICS_PORT", Integer.toString(server.analyticsPort()),
                    "GUILDHALL_API_KEY", API_KEY,
                    "GUILDHALL_ROTATION_PHASE", phase,
                    "GUILDHALL_STATE_FILE", state.toString()), NODE_TIMEOUT_SECONDS);
            assertTrue(output.contains("pass 1") && output.contains("fail 0"), output);
        });
    }
}
