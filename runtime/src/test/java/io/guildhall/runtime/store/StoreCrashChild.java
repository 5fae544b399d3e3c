package io.guildhall.runtime.store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/**
 * Run in a child JVM by {@link MvStoreTest}: writes keys from a few threads and prints
 * {@code ACK <key>} once each write is acknowledged, until the parent kills it.
 */
public final class StoreCrashChild {
    private StoreCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        GroupCommitStore store = Stores.open(Stores.MVSTORE, Path.of(args[0]));
        KvMap map = store.map("crash");
        for (int t = 0; t < 4; t++) {
            int thread = t;
            Thread writer = new Thread(() -> {
                for (int i = 0; ; i++) {
                    String key = thread + "-" + i;
                    byte[] value = key.getBytes(StandardCharsets.UTF_8);
                    CompletableFuture<String> ack = store.write(() -> {
                        map.put(key, value);
                        return key;
                    });
                    ack.join();
                    synchronized (System.out) {
                        System.out.println("ACK " + key);
                        System.out.flush();
                    }
                }
            });
            writer.start();
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
