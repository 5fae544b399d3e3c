package io.guildhall.runtime.analytics;

import io.guildhall.runtime.store.GroupCommitStore;
import io.guildhall.runtime.store.Stores;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * bench/metrics: stores EVENTS events in SESSIONS sessions over DAYS days (batches of 100 events,
 * in flight together as a loaded server has them), once keeping the session metrics and once not,
 * then times every day's numbers and a full rebuild. Prints Markdown rows for BENCHMARKS.md.
 */
public final class MetricsBench {
    private static final long T0 = LocalDate.of(2026, 1, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();

    public static void main(String[] args) throws Exception {
        int events = Integer.parseInt(System.getProperty("events", "1000000"));
        int sessions = Integer.parseInt(System.getProperty("sessions", "100000"));
        int days = Integer.parseInt(System.getProperty("days", "30"));
        int identities = sessions / 5;
        Path dir = Files.createTempDirectory("metrics-bench");
        try {
            // Untimed warm-up of the JIT, both ways, long enough that compiling (process CPU too) is
            // mostly over before the timed rounds: it is a one-off cost, not what ingestion costs.
            ingest(dir.resolve("warm-on"), 200_000, 20_000, days, 4_000, true);
            ingest(dir.resolve("warm-off"), 200_000, 20_000, days, 4_000, false);
            delete(dir.resolve("warm-on"));
            delete(dir.resolve("warm-off"));
            // Alternating runs, each "with" paired with the "without" just before it. The machine's
            // other load only ever adds time, and lands on one side of a pair by chance: the headline
            // is the median of the pairs' ratios, with the best of each kind beside it.
            long off = Long.MAX_VALUE;
            long on = Long.MAX_VALUE;
            long offCpu = Long.MAX_VALUE;
            long onCpu = Long.MAX_VALUE;
            int rounds = Integer.parseInt(System.getProperty("rounds", "2"));
            double[] timeRatios = new double[rounds];
            double[] cpuRatios = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                long cpu = cpuMillis();
                long offMs = ingest(dir.resolve("off" + round), events, sessions, days, identities, false);
                long offCpuMs = cpuMillis() - cpu;
                cpu = cpuMillis();
                long onMs = ingest(dir.resolve("on"), events, sessions, days, identities, true);
                long onCpuMs = cpuMillis() - cpu;
                timeRatios[round] = (double) onMs / offMs;
                cpuRatios[round] = (double) onCpuMs / offCpuMs;
                off = Math.min(off, offMs);
                on = Math.min(on, onMs);
                offCpu = Math.min(offCpu, offCpuMs);
                onCpu = Math.min(onCpu, onCpuMs);
                delete(dir.resolve("off" + round));
                if (round < rounds - 1) {
                    delete(dir.resolve("on"));
                }
            }
            System.out.printf("| store %,d events in %,d sessions without the metrics (best of %d) | %,d ms (%,d events/s), process CPU %,d ms |%n",
                    events, sessions, rounds, off, events * 1000L / off, offCpu);
            System.out.printf("| the same, keeping the metrics (best of %d) | %,d ms (%,d events/s): %+.1f%% time; process CPU %,d ms: %+.1f%% |%n",
                    rounds, on, events * 1000L / on, 100.0 * (on - off) / off, onCpu, 100.0 * (onCpu - offCpu) / offCpu);
            System.out.printf("| keeping the metrics, median of %d paired rounds (rounds: %s) | %+.1f%% time (%+.1f%% events/s); process CPU %+.1f%% |%n",
                    rounds, percents(timeRatios), 100.0 * (median(timeRatios) - 1), 100.0 * (1 / median(timeRatios) - 1),
                    100.0 * (median(cpuRatios) - 1));
            try (GroupCommitStore raw = Stores.open(Stores.MVSTORE, dir.resolve("on"))) {
                AnalyticsStore store = new AnalyticsStore(raw, 1800, 86400, 0, 300, ZoneOffset.UTC);
                Metrics metrics = store.metrics();
                long[] dayMicros = new long[days];
                long sessionsSeen = 0;
                for (int round = 0; round < 3; round++) { // the last round is measured (the first ones warm up)
                    for (int d = 0; d < days; d++) {
                        long began = System.nanoTime();
                        Metrics.Day day = metrics.day(LocalDate.of(2026, 1, 1).plusDays(d));
                        metrics.retention(LocalDate.of(2026, 1, 1).plusDays(d));
                        dayMicros[d] = (System.nanoTime() - began) / 1000;
                        sessionsSeen += round == 2 ? day.sessions() : 0;
                    }
                }
                Arrays.sort(dayMicros);
                System.out.printf("| one day's numbers and retention (%,d days, %,d sessions in all) | median %.1f ms, max %.1f ms |%n",
                        days, sessionsSeen, dayMicros[days / 2] / 1000.0, dayMicros[days - 1] / 1000.0);
                // the Prometheus gauge, as a scrape at the data set's end reads it (the last of three)
                long end = T0 + days * 86_400_000L;
                long gaugeMicros = 0;
                long open = 0;
                for (int round = 0; round < 3; round++) {
                    long began = System.nanoTime();
                    open = metrics.sessionsOpen(end, 1_800_000);
                    gaugeMicros = (System.nanoTime() - began) / 1000;
                }
                System.out.printf("| sessions-open gauge at the end (%,d sessions on the last day, %,d open) | %.1f ms |%n",
                        sessions / days, open, gaugeMicros / 1000.0);
                long cpu = cpuMillis();
                Metrics.Rebuilt rebuilt = metrics.rebuild().join();
                System.out.printf("| full rebuild (%,d sessions, %,d events), until durable | %,d ms, process CPU %,d ms |%n",
                        rebuilt.sessions(), rebuilt.events(), rebuilt.millis(), cpuMillis() - cpu);
            }
        } finally {
            delete(dir);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String percents(double[] ratios) {
        StringBuilder text = new StringBuilder();
        for (double ratio : ratios) {
            text.append(text.length() == 0 ? "" : " ").append(String.format("%+.1f%%", 100.0 * (ratio - 1)));
        }
        return text.toString();
    }

    /** CPU time of the whole process (all threads: request work, committer, GC): robust to other load on the machine. */
    private static long cpuMillis() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime() / 1_000_000;
    }

    private static void delete(Path dir) throws java.io.IOException {
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Stores the data set; returns the milliseconds it took. About 1% of the events arrive late. */
    private static long ingest(Path dir, int events, int sessions, int days, int identities, boolean keepMetrics) {
        try (GroupCommitStore raw = Stores.open(Stores.MVSTORE, dir)) {
            AnalyticsStore store = new AnalyticsStore(raw, 1800, 86400, 0, 300, ZoneOffset.UTC, keepMetrics);
            long spacing = days * 86_400_000L / sessions;
            int perSession = events / sessions;
            long began = System.nanoTime();
            List<CompletableFuture<?>> inFlight = new ArrayList<>();
            int sessionsPerBatch = Math.max(1, 100 / perSession);
            for (int first = 0; first < sessions; first += sessionsPerBatch) {
                List<IncomingEvent> batch = new ArrayList<>(100);
                for (int s = first; s < Math.min(sessions, first + sessionsPerBatch); s++) {
                    long start = T0 + s * spacing;
                    String identity = "bench-identity-" + (s % identities);
                    String sid = "bench-session-" + s;
                    inFlight.add(store.authenticate(identity, Map.of(), Map.of(), sid, 0, start));
                    for (int e = 0; e < perSession; e++) {
                        long at = start + 45_000L * (e + 1) - (s % 100 == 0 && e == perSession - 1 ? 200_000 : 0);
                        batch.add(new IncomingEvent(e % 3 == 0 ? "purchase" : "levelUp", null, "1",
                                Map.of("level", "7"), at, false, identity, sid, 0, 0, "bench"));
                    }
                }
                inFlight.add(store.appendEvents(batch, T0 + (first + 1) * spacing));
                if (inFlight.size() >= 256) {
                    inFlight.forEach(CompletableFuture::join);
                    inFlight.clear();
                }
            }
            inFlight.forEach(CompletableFuture::join);
            return Math.max(1, (System.nanoTime() - began) / 1_000_000);
        }
    }
}
