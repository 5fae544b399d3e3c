package io.guildhall.runtime.testing;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads that keep signing up new device accounts until closed: which sign-ups were acknowledged,
 * and how many were acknowledged while a mark was set (to show that something ran online).
 */
public final class SignUpLoad implements AutoCloseable {
    private final Queue<String> acknowledged = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean marked = new AtomicBoolean();
    private final AtomicInteger whileMarked = new AtomicInteger();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> clients = new ArrayList<>();

    private SignUpLoad() {
    }

    /** The devices of {@code devices} whose accounts the server behind {@code api} does not find (device sign-in, create=false). */
    public static List<String> missingAccounts(ApiClient api, Collection<String> devices) {
        List<String> missing = new ArrayList<>();
        for (String device : devices) {
            if (api.authenticate("device", "create=false", ApiClient.json(Map.of("id", device))).status() != 200) {
                missing.add(device);
            }
        }
        return missing;
    }

    /** Starts {@code clients} threads signing up devices named {@code prefix} plus a random id. */
    public static SignUpLoad start(ApiClient api, String prefix, int clients) {
        SignUpLoad load = new SignUpLoad();
        for (int c = 0; c < clients; c++) {
            Thread client = new Thread(() -> {
                while (!load.stop.get()) {
                    String device = prefix + UUID.randomUUID();
                    if (api.authenticate("device", null, ApiClient.json(Map.of("id", device))).status() == 200) {
                        load.acknowledged.add(device);
                        if (load.marked.get()) {
                            load.whileMarked.incrementAndGet();
                        }
                    }
                }
            });
            client.start();
            load.clients.add(client);
        }
        return load;
    }

    /** Waits until at least {@code count} sign-ups were acknowledged; returns them. */
    public List<String> awaitAcknowledged(int count) throws InterruptedException {
        while (acknowledged.size() < count) {
            Thread.sleep(20);
        }
        return List.copyOf(acknowledged);
    }

    public int acknowledgedCount() {
        return acknowledged.size();
    }

    /** Counts the sign-ups acknowledged from now until {@link #unmark}. */
    public void mark() {
        marked.set(true);
    }

    public void unmark() {
        marked.set(false);
    }

    public int acknowledgedWhileMarked() {
        return whileMarked.get();
    }

    /** Stops the threads and waits for them. */
    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread client : clients) {
            client.join(30_000);
        }
    }
}
