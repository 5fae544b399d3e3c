package io.guildhall.runtime.account;

import io.guildhall.runtime.store.GroupCommitStore;
import io.guildhall.runtime.store.Stores;
import io.guildhall.runtime.util.UuidV7;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

/**
 * For benchmarks: creates accounts straight through the store, as device sign-ups would (a user
 * record, its identity and its username), much faster than over HTTP. The server must be stopped.
 * {@code java -cp guildhall.jar io.guildhall.runtime.account.Prefill DATA_DIR COUNT [PREFIX]}: device ids
 * are PREFIX (default "prefill-") followed by the account's number.
 */
public final class Prefill {
    private static final int PER_WRITE = 1000;
    private static final int IN_FLIGHT = 4;

    private Prefill() {
    }

    public static void main(String[] args) {
        Path dataDir = Path.of(args[0]);
        long count = Long.parseLong(args[1]);
        String prefix = args.length > 2 ? args[2] : "prefill-";
        long start = System.nanoTime();
        try (GroupCommitStore store = Stores.open(Stores.MVSTORE, dataDir)) {
            AccountStore accounts = new AccountStore(store);
            ArrayDeque<CompletableFuture<Void>> pending = new ArrayDeque<>();
            for (long first = 0; first < count; first += PER_WRITE) {
                long from = first;
                long to = Math.min(count, first + PER_WRITE);
                pending.add(store.write(() -> {
                    long now = System.currentTimeMillis();
                    for (long i = from; i < to; i++) {
                        create(accounts, prefix + i, now);
                    }
                    return null;
                }));
                if (pending.size() >= IN_FLIGHT) {
                    pending.poll().join();
                }
                if (to % 100_000 == 0) {
                    System.out.printf("%d accounts%n", to);
                }
            }
            pending.forEach(CompletableFuture::join);
        }
        System.out.printf("Created %d accounts in %d s%n", count, (System.nanoTime() - start) / 1_000_000_000L);
    }

    private static void create(AccountStore accounts, String device, long nowMillis) {
        if (accounts.ownerOf("device", device) != null) {
            return;
        }
        String username = Usernames.generate();
        while (accounts.ownerOfUsername(username) != null) {
            username = Usernames.generate();
        }
        UserRecord user = new UserRecord();
        user.id = UuidV7.mint(nowMillis);
        user.username = username;
        user.createTime = nowMillis / 1000;
        user.updateTime = user.createTime;
        user.addIdentity("device", device, true);
        accounts.save(user);
        accounts.indexIdentity("device", device, user.id);
        accounts.indexUsername(username, user.id);
    }
}
