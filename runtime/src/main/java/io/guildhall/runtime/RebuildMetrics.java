package io.guildhall.runtime;

import io.guildhall.runtime.analytics.Analytics;
import io.guildhall.runtime.analytics.Metrics;
import io.guildhall.runtime.config.Config;
import io.guildhall.runtime.config.ConfigException;
import io.guildhall.runtime.config.ConfigLoader;
import io.guildhall.runtime.config.Setting;
import io.guildhall.runtime.store.GroupCommitStore;
import io.guildhall.runtime.store.Stores;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * {@code java -jar guildhall.jar rebuild-metrics [--config FILE] [--section.key=value ...]}: re-derives
 * the session metrics from the stored sessions and events while the server is stopped. The store
 * engines lock their file, so a store a running server holds open is refused, never shared.
 */
final class RebuildMetrics {
    private RebuildMetrics() {
    }

    static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        Config config;
        try {
            config = ConfigLoader.load(Arrays.copyOfRange(args, 1, args.length), environment);
        } catch (ConfigException e) {
            err.println("rebuild-metrics: " + e.getMessage());
            return 2;
        }
        Path dir = Path.of(config.string(Setting.DATA_DIR));
        GroupCommitStore store;
        try {
            // opened as the server opens it (engine and write-ahead log settings)
            store = Stores.open(config.string(Setting.DATA_ENGINE), dir, config.number(Setting.DATA_CHECKPOINT_BYTES),
                    java.time.Duration.ofSeconds(config.number(Setting.DATA_CHECKPOINT_INTERVAL_SEC)),
                    config.number(Setting.DATA_CHECKPOINT_UNSAVED_BYTES));
        } catch (RuntimeException e) {
            err.println("rebuild-metrics: cannot open the store in " + dir
                    + " (is a server running on it? stop it first): " + e.getMessage());
            return 1;
        }
        try (store) {
            Metrics.Rebuilt rebuilt = Analytics.analyticsStore(config, store).metrics().rebuild().join();
            out.println("rebuilt the session metrics of " + rebuilt.sessions() + " sessions and " + rebuilt.events()
                    + " events in " + rebuilt.millis() + " ms");
            return 0;
        } catch (ConfigException e) {
            err.println("rebuild-metrics: " + e.getMessage());
            return 2;
        }
    }
}
