package com.example.studio;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The example plugin as a studio deploys it: the packaged {@code studio-plugin.jar} dropped into
 * {@code plugins/} of the real {@code guildhall.jar}, started as its own process, driven by the
 * unmodified nakama-js and satori-js ({@code runtime/src/test/js/studio-plugin.test.mjs}) through
 * the ticket provider and the {@code match_end} RPC, with the events checked where they landed in
 * analytics: for both {@code no_session} set-ups, and with the analytics client in remote mode
 * against a second Guildhall, also while that one is down.
 */
class StudioPluginIT {
    private static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    private static final Path GUILDHALL_JAR = ROOT.resolve("runtime/target/guildhall.jar");
    private static final Path PLUGIN_JAR = ROOT.resolve("plugins-example/target/studio-plugin.jar");
    private static final Path JS = ROOT.resolve("runtime/src/test/js");
    private static final String TICKET_SECRET = "studio-login-service-secret-0123456789";
    private static final String HTTP_KEY = "studio-http-key-for-tests";
    private static final String API_KEY = "3b9f6c2e-8d41-4a7b-9e15-0c2d4f6a8b1e";
    private static final String SIGNING_KEY = "analytics-session-signing-key-for-the-it-0123";
    private static final String CONSOLE_EMAIL = "ops@example.com";
    private static final String CONSOLE_PASSWORD = "console-password-for-the-it";

    @TempDir
    Path dir;
    private final List<Process> servers = new ArrayList<>();

    @AfterEach
    void stopServers() throws InterruptedException {
        for (Process server : servers) {
            server.destroy();
            if (!server.waitFor(15, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }

    /** One Guildhall process with the plugin in plugins/; its ports. */
    private record Server(Process process, int game, int analytics, int console, Path log) {
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void theStudioPluginAttachesMatchEventsToTheRightSessions() throws Exception {
        assertTrue(Files.isRegularFile(GUILDHALL_JAR), "build the server first: " + GUILDHALL_JAR);
        assertTrue(Files.isRegularFile(PLUGIN_JAR), "package plugins-example first: " + PLUGIN_JAR);
        assertTrue(Files.isDirectory(JS.resolve("node_modules/@heroiclabs/satori-js")), "the SDKs are installed by the runtime build in " + JS);
        String hash = hashPassword(CONSOLE_PASSWORD);

        // set-up 2: the server opens the analytics session at sign-in
        Server serverSessions = start("server-sessions", hash, List.of("--modules.studio.analytics_no_session=false"));
        runNode("server-session", serverSessions, serverSessions);

        // set-up 1: the game client runs satori-js; the server's events attach to the client's session
        Server clientSessions = start("client-sessions", hash, List.of("--modules.studio.analytics_no_session=true"));
        runNode("client-session", clientSessions, clientSessions);

        // remote: a game server without analytics of its own, its modules talking to the first one over HTTP
        Server remote = start("remote", hash, List.of("--analytics.enabled=false", "--console.enabled=false",
                "--satori.url=http://127.0.0.1:" + serverSessions.analytics(), "--satori.api_key_name=game-server",
                "--satori.api_key=" + API_KEY, "--satori.signing_key=" + SIGNING_KEY,
                "--satori.http_timeout_ms=1000", "--modules.studio.analytics_no_session=false"));
        runNode("remote", remote, serverSessions);

        serverSessions.process().destroy();
        assertTrue(serverSessions.process().waitFor(20, TimeUnit.SECONDS), "the analytics server stopped");
        runNode("remote-down", remote, serverSessions);
    }

    private Server start(String name, String consoleHash, List<String> extra) throws Exception {
        Path home = Files.createDirectories(dir.resolve(name));
        Path plugins = Files.createDirectories(home.resolve("plugins"));
        Files.copy(PLUGIN_JAR, plugins.resolve("studio-plugin.jar"));
        int game = freePort();
        int analytics = freePort();
        int console = freePort();
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", GUILDHALL_JAR.toString(),
                "--socket.address=127.0.0.1", "--socket.port=" + game,
                "--analytics.address=127.0.0.1", "--analytics.port=" + analytics,
                "--console.address=127.0.0.1", "--console.port=" + console,
                "--data.dir=" + home.resolve("data"), "--plugins.dir=" + plugins,
                "--account.bcrypt_cost=4", "--shutdown_grace_sec=2",
                "--runtime.http_key=" + HTTP_KEY,
                "--analytics.api_keys=game:" + API_KEY + ":true",
                "--analytics.session_signing_key=" + SIGNING_KEY,
                "--console.users=" + CONSOLE_EMAIL + ":" + consoleHash,
                "--modules.studio.ticket.secret=" + TICKET_SECRET));
        command.addAll(extra);
        Path log = home.resolve("server.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        servers.add(process);
        Server server = new Server(process, game, analytics, console, log);
        awaitHealthy(server);
        return server;
    }

    private void runNode(String mode, Server game, Server analytics) throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("GUILDHALL_MODE", mode);
        env.put("GUILDHALL_GAME_PORT", Integer.toString(game.game()));
        env.put("GUILDHALL_SERVER_KEY", "defaultkey");
        env.put("GUILDHALL_HTTP_KEY", HTTP_KEY);
        env.put("GUILDHALL_TICKET_SECRET", TICKET_SECRET);
        env.put("GUILDHALL_API_KEY", API_KEY);
        env.put("GUILDHALL_ANALYTICS_PORT", Integer.toString(analytics.analytics()));
        env.put("GUILDHALL_CONSOLE_PORT", Integer.toString(analytics.console()));
        env.put("GUILDHALL_CONSOLE_EMAIL", CONSOLE_EMAIL);
        env.put("GUILDHALL_CONSOLE_PASSWORD", CONSOLE_PASSWORD);
        ProcessBuilder node = new ProcessBuilder("node", "--test", "--test-force-exit", "--test-reporter=spec", "studio-plugin.test.mjs")
                .directory(JS.toFile()).redirectErrorStream(true);
        node.environment().putAll(env);
        node.environment().remove("NODE_OPTIONS");
        node.environment().remove("NODE_TEST_CONTEXT");
        Process process = node.start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        System.out.println("---- node studio-plugin.test.mjs (" + mode + ") ----\n" + output);
        if (!finished || process.exitValue() != 0) {
            fail("node studio-plugin.test.mjs " + mode + " failed:\n" + output + "\n---- game server log ----\n"
                    + tail(game.log()));
        }
    }

    private static String hashPassword(String password) throws Exception {
        Process process = new ProcessBuilder(javaBinary(), "-jar", GUILDHALL_JAR.toString(), "hash-password", "--cost", "4")
                .redirectErrorStream(false).start();
        try (OutputStream in = process.getOutputStream()) {
            in.write((password + "\n").getBytes(StandardCharsets.UTF_8));
        }
        String hash = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), "hash-password failed");
        assertTrue(hash.startsWith("$2"), "a bcrypt hash: " + hash);
        return hash;
    }

    private static void awaitHealthy(Server server) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!server.process().isAlive()) {
                fail("the server exited:\n" + tail(server.log()));
            }
            try {
                HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.game() + "/healthcheck"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (reply.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        fail("the server did not become healthy:\n" + tail(server.log()));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }
}
