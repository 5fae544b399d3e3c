package io.guildhall.runtime;

import io.guildhall.runtime.config.Config;
import io.guildhall.runtime.config.ConfigException;
import io.guildhall.runtime.config.ConfigLoader;
import io.guildhall.runtime.plugin.PluginException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar guildhall.jar [--config FILE] [--section.key=value ...]}, {@code hash-password [--cost N]}, or
 * {@code rebuild-metrics [--config FILE] [...]} (offline). */
public final class Main {
    private static final Logger LOG = LoggerFactory.getLogger(Main.class);

    private Main() {
    }

    public static void main(String[] args) {
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
