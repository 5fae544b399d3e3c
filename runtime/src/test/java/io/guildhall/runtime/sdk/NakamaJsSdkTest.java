package io.guildhall.runtime.sdk;


import io.guildhall.runtime.testing.NodeScript;
import io.guildhall.runtime.testing.RotationPhases;
import io.guildhall.runtime.testing.TestServer;
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
    private static final String NAKAMA_JS = "@heroiclabs/nakama-js";

    /** A short reuse grace for the second server, so the test can outwait it. */
    private static final int ROTATION_GRACE_SEC = 2;

    @TempDir
    Path dataDir;
    @TempDir
    Path rotationDataDir;

    @Test
    @Timeout(value = NODE_TIMEOUT_SECONDS + 60, unit = TimeUnit.SECONDS)
    void officialJsSdkWorksAgainstTheServer() throws Exception {
        try (TestServer server = TestServer.start(dataDir);
             TestServer rotating = TestServer.start(rotationDataDir, "--session.refresh_token_rotation=true",
                     "--session.refresh_token_reuse_grace_sec=" + ROTATION_GRACE_SEC)) {
            Map<String, String> env = new java.util.HashMap<>();
            env.put("GUILDHALL_HOST", "127.0.0.1");
            env.put("GUILDHALL_PORT", Integer.toString(server.port()));
            env.put("GUILDHALL_SERVER_KEY", "defaultkey");
            env.put("GUILDHALL_ROTATION_PORT", Integer.toString(rotating.port()));
            env.put("GUILDHALL_ROTATION_GRACE_SEC", Integer.toString(ROTATION_GRACE_SEC));
            NodeScript.run(SCRIPT, NAKAMA_JS, env, NODE_TIMEOUT_SECONDS);
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
        Path state = stateDir.resolve("session.json");
        String[][] phases = {
                {"sign-in", "--session.encryption_key=" + KEY_A, "--session.refresh_encryption_key=" + REFRESH_A},
                {"rotated", "--session.encryption_key=" + KEY_B, "--session.previous_encryption_keys=" + KEY_A,
                        "--session.refresh_encryption_key=" + REFRESH_B, "--session.previous_refresh_encryption_keys=" + REFRESH_A},
                {"removed", "--session.encryption_key=" + KEY_B, "--session.refresh_encryption_key=" + REFRESH_B}};
        RotationPhases.run(dataDir, List.of(), phases, (server, phase) -> NodeScript.run(ROTATION_SCRIPT, NAKAMA_JS, Map.of(
                "GUILDHALL_HOST", "127.0.0.1",
                "GUILDHALL_PORT", Integer.toString(server.port()),
                "GUILDHALL_SERVER_KEY", "defaultkey",
                "GUILDHALL_ROTATION_PHASE", phase,
                "GUILDHALL_STATE_FILE", state.toString()), NODE_TIMEOUT_SECONDS));
    }
}
