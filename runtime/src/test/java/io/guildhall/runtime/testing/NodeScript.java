package io.guildhall.runtime.testing;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs one node:test script of {@code src/test/js} (where the build installs the official SDKs from
 * the committed lock file) and fails with node's whole output unless it exits 0.
 */
public final class NodeScript {
    private NodeScript() {
    }

    /** The folder of the JS tests, checked to hold the script and the named installed package. */
    public static Path jsDir(String script, String requiredPackage) {
        Path jsDir = Path.of(System.getProperty("user.dir"), "src", "test", "js").toAbsolutePath().normalize();
        assertTrue(Files.isRegularFile(jsDir.resolve(script)), "missing " + jsDir.resolve(script));
        assertTrue(Files.isRegularFile(jsDir.resolve("node_modules/" + requiredPackage + "/package.json")),
                requiredPackage + " is not installed in " + jsDir + "; run `npm ci --ignore-scripts` there"
                        + " (the Maven build does this at generate-test-resources)");
        return jsDir;
    }

    public static void run(String script, String requiredPackage, Map<String, String> environment, long timeoutSeconds)
            throws InterruptedException, IOException {
        Path jsDir = jsDir(script, requiredPackage);
        ProcessBuilder pb = new ProcessBuilder(List.of(node(), "--test", "--test-force-exit", "--test-reporter=spec", script));
        pb.directory(jsDir.toFile());
        pb.redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.putAll(environment);
        env.put("NO_COLOR", "1");
        env.put("FORCE_COLOR", "0");
        env.remove("NODE_OPTIONS");
        env.remove("NODE_TEST_CONTEXT");
        Process process = pb.start();
        process.getOutputStream().close();
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread drain = new Thread(() -> copy(process.getInputStream(), output), "node-output");
        drain.setDaemon(true);
        drain.start();
        boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
        if (!finished) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        drain.join(TimeUnit.SECONDS.toMillis(10));
        String text;
        synchronized (output) {
            text = output.toString(StandardCharsets.UTF_8);
        }
        System.out.println("---- node " + script + " ----\n" + text + "\n---- end of node output ----");
        if (!finished) {
            fail("node " + script + " did not finish within " + timeoutSeconds + " s; output:\n" + text);
        }
        assertEquals(0, process.exitValue(), () -> "node " + script + " failed (exit " + process.exitValue() + "); output:\n" + text);
    }

    private static void copy(InputStream in, ByteArrayOutputStream output) {
        byte[] chunk = new byte[8192];
        try (InputStream stream = in) {
            int n;
            while ((n = stream.read(chunk)) >= 0) {
                synchronized (output) {
                    output.write(chunk, 0, n);
                }
            }
        } catch (IOException e) {
            if (!"Stream closed".equals(e.getMessage())) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** The node executable: {@code -Dguildhall.node=...} or {@code GUILDHALL_NODE}, else {@code node} on the PATH. */
    public static String node() {
        String configured = System.getProperty("guildhall.node");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("GUILDHALL_NODE");
        }
        return configured == null || configured.isBlank() ? "node" : configured;
    }
}
