package io.guildhall.runtime;

import io.guildhall.runtime.admin.BackupCommand;
import io.guildhall.runtime.config.Config;
import io.guildhall.runtime.config.ConfigException;
import io.guildhall.runtime.config.ConfigLoader;
import io.guildhall.runtime.plugin.PluginException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;

/**
 * {@code java -jar guildhall.jar [--config FILE] [--section.key=value ...]} starts the server;
 * {@code backup --to FOLDER [...]} backs its store up (see {@link BackupCommand});
 * {@code hash-password [--cost N]} prints a bcrypt hash of a password read from standard input;
 * {@code rebuild-metrics [--config FILE] [...]} rebuilds the session metrics of a stopped server's store.
 */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("backup")) {
            int code;
            try {
                code = BackupCommand.run(Arrays.copyOfRange(args, 1, args.length), System.getenv(), System.out);
            } catch (ConfigException e) {
                LOG.error("Cannot back up: {}", e.getMessage());
                code = 2;
            }
            System.exit(code);
            return;
        }
        if (args.length > 0 && args[0].equals("hash-password")) {
            System.exit(HashPassword.run(args, System.in, System.out, System.err));
            return;
        }
        if (args.length > 0 && args[0].equals("rebuild-metrics")) {
            System.exit(RebuildMetrics.run(args, System.getenv(), System.out, System.err));
            return;
        }
        GuildhallServer server;
        try {
            Config config = ConfigLoader.load(args, System.getenv());
            server = GuildhallServer.start(config);
        } catch (ConfigException | PluginException e) {
            LOG.error("Cannot start: {}", e.getMessage());
            System.exit(2);
            return;
        } catch (RuntimeException e) {
            LOG.error("Cannot start: {}", e.getMessage(), e);
            System.exit(1);
            return;
        }
        // SIGTERM and SIGINT run shutdown hooks: drain requests, then close the store cleanly.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "shutdown"));
    }
}
