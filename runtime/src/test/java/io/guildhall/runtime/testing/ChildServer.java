package io.guildhall.runtime.testing;

import io.guildhall.runtime.Main;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server in a child JVM on ephemeral loopback ports, for SIGKILL and SIGTERM tests. */
public final class ChildServer {
    private static final Pattern LISTENING = Pattern.compile("Guildhall (.+) listening on 127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final Map<String, Integer> ports = new ConcurrentHashMap<>();

    /** Starts the server and waits until its last listener (the console) is up. */
    public ChildServer(Path dataDir, String... flags) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "--socket.address=127.0.0.1", "--socket.port=0", "--data.dir=" + dataDir,
                "--analytics.address=127.0.0.1", "--analytics.port=0", "--console.port=0",
                "--plugins.dir=" + dataDir.resolve("no-plugins"), "--account.bcrypt_cost=4"));
        command.addAll(List.of(flags));
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        CompletableFuture<Void> ready = new CompletableFuture<>();
        StringBuilder log = new StringBuilder();
        Thread drain = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    if (!ready.isDone()) {
                        log.append(line).append('\n');
                        Matcher m = LISTENING.matcher(line);
                        if (m.find()) {
                            ports.put(m.group(1), Integer.parseInt(m.group(2)));
                            if (m.group(1).equals("console API")) {
                                ready.complete(null);
                            }
                        }
                    }
                }
            } catch (Exception ignored) {
                // the process was killed
            }
            ready.completeExceptionally(new IllegalStateException("server exited before listening:\n" + log));
        }, "child-server-output");
        drain.setDaemon(true);
        drain.start();
        ready.get(60, TimeUnit.SECONDS);
    }

    /** The game API's port. */
    public int port() {
        return ports.get("game API");
    }

    public int analyticsPort() {
        return ports.get("analytics API");
    }

    /** SIGTERM, as an orchestrator stops a server; returns the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the server did not stop on SIGTERM");
        return process.exitValue();
    }

    public void kill() throws InterruptedException {
        process.destroyForcibly(); // SIGKILL on Linux
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));
    }
}
