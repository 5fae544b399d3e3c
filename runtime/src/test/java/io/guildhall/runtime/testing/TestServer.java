package io.guildhall.runtime.testing;

import io.guildhall.runtime.GuildhallServer;
import io.guildhall.runtime.config.Config;
import io.guildhall.runtime.config.ConfigLoader;
import io.guildhall.runtime.store.GroupCommitStore;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The real server, in this JVM, on an ephemeral loopback port, with its store files under the
 * given folder. bcrypt runs at its minimum cost so tests stay quick; everything else is as shipped.
 */
public final class TestServer implements AutoCloseable {
    private final GuildhallServer server;
    private final AtomicBoolean storeFailed;

    private TestServer(GuildhallServer server, AtomicBoolean storeFailed) {
        this.server = server;
        this.storeFailed = storeFailed;
    }

    /** Starts the server; extra configuration as flags {@code --section.key=value}. */
    public static TestServer start(Path dataDir, String... flags) {
        return start(dataDir, java.time.Clock.systemUTC(), flags);
    }

    /** Starts the server reading time from {@code clock}. */
    public static TestServer start(Path dataDir, java.time.Clock clock, String... flags) {
        return start(dataDir, clock, null, flags);
    }

    /**
     * As above, with the store opened by {@code openStore} (null: as configured). A store failure is
     * recorded instead of exiting the process (see {@link #storeFailed()}).
     */
    public static TestServer start(Path dataDir, Function<Config, GroupCommitStore> openStore, String... flags) {
        return start(dataDir, java.time.Clock.systemUTC(), openStore, flags);
    }

    private static TestServer start(Path dataDir, java.time.Clock clock, Function<Config, GroupCommitStore> openStore,
                                    String... flags) {
        List<String> args = new ArrayList<>(List.of(
                "--socket.address=127.0.0.1",
                "--socket.port=0",
                "--analytics.address=127.0.0.1",
                "--analytics.port=0",
                "--console.port=0",
                "--data.dir=" + dataDir,
                "--plugins.dir=" + dataDir.resolve("no-plugins"),
                "--data.backup_dir=" + dataDir.resolve("backups"),
                "--account.bcrypt_cost=4",
                "--shutdown_grace_sec=2"));
        args.addAll(List.of(flags));
        AtomicBoolean failed = new AtomicBoolean();
        GuildhallServer.Environment process = GuildhallServer.Environment.process();
        GuildhallServer.Environment environment = new GuildhallServer.Environment(clock, () -> failed.set(true),
                openStore != null ? openStore : process.openStore());
        return new TestServer(GuildhallServer.start(ConfigLoader.load(args.toArray(String[]::new), Map.of()), environment), failed);
    }

    /** True once the server would have exited because its store broke. */
    public boolean storeFailed() {
        return storeFailed.get();
    }

    public int port() {
        return server.port();
    }

    public int analyticsPort() {
        return server.analyticsPort();
    }

    public int consolePort() {
        return server.consolePort();
    }

    /** A client for this server's analytics API. */
    public ApiClient analytics() {
        return ApiClient.at("http://127.0.0.1:" + analyticsPort());
    }

    /** A client for this server's console API. */
    public ApiClient console() {
        return ApiClient.at("http://127.0.0.1:" + consolePort());
    }

    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + port() + pathAndQuery;
    }

    /** A client for this server's game API. */
    public ApiClient client() {
        return ApiClient.at(url(""));
    }

    @Override
    public void close() {
        server.close();
    }
}
