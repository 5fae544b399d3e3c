package io.guildhall.runtime.admin;

import io.guildhall.runtime.store.GroupCommitStore;
import io.guildhall.runtime.store.KvMap;
import io.guildhall.runtime.store.Stores;
import io.guildhall.runtime.testing.SignUpLoad;
import io.guildhall.runtime.testing.TestServer;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The documented restore, checked: what a backup taken under sign-up load must hold. */
final class RestoredBackup {
    private RestoredBackup() {
    }

    /**
     * A server started on {@code folder} finds every device signed up (and acknowledged) before the
     * backup began, and the store holds whole sign-ups only: one sign-up writes a user, its identity
     * and its username in one mutation.
     */
    static void assertHoldsEverySignUp(Path folder, List<String> acknowledgedBefore) throws Exception {
        try (TestServer server = TestServer.start(folder)) {
            assertEquals(List.of(), SignUpLoad.missingAccounts(server.client(), acknowledgedBefore),
                    "accounts acknowledged before the backup but missing from it");
        }
        try (GroupCommitStore store = Stores.open(Stores.MVSTORE, folder)) {
            KvMap users = store.map("users");
            assertTrue(users.size() >= acknowledgedBefore.size());
            assertEquals(users.size(), store.map("identities").size());
            assertEquals(users.size(), store.map("usernames").size());
        }
    }
}
