package io.guildhall.runtime.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Not a test: measures sign-up-shaped writes straight into the store (no HTTP), for comparing store
 * designs. {@code java -cp guildhall.jar:test-classes io.guildhall.runtime.store.StoreWriteHarness
 * DIR SECONDS WRITERS IN_FLIGHT CHECKPOINT_MB CHECKPOINT_SEC [ENGINE]}; prints writes/s, commits, and
 * the bytes this process wrote to disk per write (/proc/self/io).
 */
public final class StoreWriteHarness {
    private StoreWriteHarness() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        long seconds = Long.parseLong(args[1]);
        int writers = Integer.parseInt(args[2]);
        int inFlight = Integer.parseInt(args[3]);
        long checkpointBytes = Long.parseLong(args[4]) << 20;
        Duration interval = Duration.ofSeconds(Long.parseLong(args[5]));
        String engine = args.length > 6 ? args[6] : Stores.MVSTORE;
        Files.createDirectories(dir);
        GroupCommitStore store = engine.equals("legacy")
                ? GroupCommitStore.start(MvStoreEngine.open(dir.resolve(Stores.MVSTORE_FILE)), GroupCommitStore.DEFAULT_HOUSEKEEPING_INTERVAL)
                : Stores.open(engine, dir, new WalEngine.Settings(checkpointBytes, interval, 1L << 30));
        KvMap users = store.map("users");
        KvMap identities = store.map("identities");
        KvMap usernames = store.map("usernames");
        long before = writeBytes();
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        AtomicLong done = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            Thread t = new Thread(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                ArrayDeque<CompletableFuture<Void>> pending = new ArrayDeque<>();
                byte[] record = new byte[330];
                long seq = 0;
                while (System.nanoTime() - end < 0) {
                    random.nextBytes(record);
                    String userId = String.format("%012x-%04x-%016x", System.currentTimeMillis(), seq++ & 0xffff, random.nextLong());
                    String device = "device:" + Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong());
                    String username = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
                    byte[] id = userId.getBytes(UTF_8);
                    byte[] value = record.clone();
                    pending.add(store.write(() -> {
                        users.put(userId, value);
                        identities.put(device, id);
                        usernames.put(username, id);
                        return null;
                    }));
                    if (pending.size() >= inFlight) {
                        pending.poll().join();
                        done.incrementAndGet();
                    }
                }
                for (CompletableFuture<Void> f : pending) {
                    f.join();
                    done.incrementAndGet();
                }
            });
            threads.add(t);
            t.start();
        }
        long peak = 0;
        while (threads.stream().anyMatch(Thread::isAlive)) {
            Thread.sleep(200);
            peak = Math.max(peak, folderSize(dir));
        }
        double secs = (System.nanoTime() - start) / 1e9;
        long written = writeBytes() - before;
        System.out.printf("%s: %d writes in %.1f s = %.0f/s, %d commits, %d bytes to disk per write, data folder peak %d MiB, %d accounts%n",
                engine, done.get(), secs, done.get() / secs, store.commitCount(), written / Math.max(1, done.get()),
                peak >> 20, users.size());
        store.close();
    }

    private static long folderSize(Path dir) throws Exception {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    static long writeBytes() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/io"))) {
            if (line.startsWith("write_bytes:")) {
                return Long.parseLong(line.substring(12).trim());
            }
        }
        return -1;
    }
}
