package io.guildhall.runtime.store;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store format number: old folders are migrated in place, newer ones refused. */
class StoreFormatTest {
    @TempDir
    Path dir;

    /**
     * {@code store/format-1/guildhall.mv.db} was written by the release before the write-ahead log
     * (commit 9fe6642): 20 device accounts "fixture-device-0001".."0020", an email account
     * "fixture@example.com" and a custom one "fixture-custom-0001", then a clean SIGTERM.
     */
    @Test
    void aFolderOfFormat1OpensMigratedAndKeepsItsData() throws Exception {
        try (InputStream fixture = getClass().getResourceAsStream("/store/format-1/guildhall.mv.db")) {
            assertNotNull(fixture, "fixture missing");
            Files.copy(fixture, dir.resolve(Stores.MVSTORE_FILE));
        }
        try (MVStore raw = new MVStore.Builder().fileName(dir.resolve(Stores.MVSTORE_FILE).toString()).readOnly().open()) {
            assertEquals(0, raw.getStoreVersion(), "the fixture is of format 1 (no number)");
        }

        GroupCommitStore store = Stores.open(Stores.MVSTORE, dir);
        try {
            assertEquals(22, store.map("users").size());
            assertEquals(22, store.map("identities").size());
            assertEquals(22, store.map("usernames").size());
            byte[] owner = store.map("identities").get("device:fixture-device-0007");
            assertNotNull(owner);
            assertNotNull(store.map("users").get(new String(owner, UTF_8)));
            assertNotNull(store.map("identities").get("email:fixture@example.com"));
            store.write(() -> {
                store.map("users").put("after-migration", new byte[] {1});
                return null;
            }).get(10, TimeUnit.SECONDS);
        } finally {
            store.close();
        }
        try (MVStore raw = new MVStore.Builder().fileName(dir.resolve(Stores.MVSTORE_FILE).toString()).readOnly().open()) {
            assertEquals(WalEngine.FORMAT, raw.getStoreVersion(), "migrated in place");
        }
        GroupCommitStore again = Stores.open(Stores.MVSTORE, dir);
        try {
            assertEquals(23, again.map("users").size());
        } finally {
            again.close();
        }
    }

    @Test
    void aFolderOfANewerFormatIsRefusedAndLeftAlone() throws Exception {
        Stores.open(Stores.MVSTORE, dir).close();
        Path file = dir.resolve(Stores.MVSTORE_FILE);
        try (MVStore raw = new MVStore.Builder().fileName(file.toString()).open()) {
            raw.setStoreVersion(WalEngine.FORMAT + 1);
            raw.commit();
        }
        byte[] before = Files.readAllBytes(file);
        StoreException e = assertThrows(StoreException.class, () -> Stores.open(Stores.MVSTORE, dir));
        assertTrue(e.getMessage().contains("newer Guildhall") && e.getMessage().contains(dir.toString())
                && e.getMessage().contains("format " + (WalEngine.FORMAT + 1)), e.getMessage());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(file)), "the refused file was changed");
    }
}
