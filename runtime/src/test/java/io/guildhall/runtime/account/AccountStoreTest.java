package io.guildhall.runtime.account;

import io.guildhall.runtime.store.GroupCommitStore;
import io.guildhall.runtime.store.KvMap;
import io.guildhall.runtime.store.Stores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Identities are stored one entry each, so linking one costs the same however many an account holds. */
class AccountStoreTest {
    @TempDir
    Path dir;

    @Test
    void aLinkWritesOneEntryAndTheRecordDoesNotGrowWithIdentities() throws Exception {
        try (GroupCommitStore store = Stores.open("mvstore", dir)) {
            AccountStore accounts = new AccountStore(store);
            UserRecord user = new UserRecord();
            user.id = UUID.randomUUID().toString();
            user.username = "many";
            store.write(() -> {
                accounts.save(user);
                return null;
            }).get(10, TimeUnit.SECONDS);
            KvMap users = store.map("users");
            int recordBytes = users.get(user.id).length;
            for (int i = 0; i < 500; i++) {
                String device = "device-" + i;
                store.write(() -> {
                    UserRecord loaded = accounts.load(user.id);
                    loaded.addIdentity("device", device, true);
                    accounts.indexIdentity("device", device, loaded.id);
                    accounts.save(loaded);
                    return null;
                }).get(10, TimeUnit.SECONDS);
            }
            // the version's digits aside, the record is as small as before the 500 links
            assertTrue(users.get(user.id).length <= recordBytes + 3, users.get(user.id).length + " bytes");
            UserRecord loaded = accounts.load(user.id);
            assertEquals(500, loaded.identities("device").size());
            assertEquals(user.id, accounts.ownerOf("device", "device-499"));

            store.write(() -> {
                UserRecord again = accounts.load(user.id);
                again.removeIdentity("device", "device-7");
                accounts.unindexIdentity("device", "device-7");
                accounts.save(again);
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertFalse(accounts.load(user.id).identities("device").contains("device-7"));
            assertNull(accounts.ownerOf("device", "device-7"));
        }
    }

    @Test
    void recordsWrittenWithTheirIdentitiesInsideAreReadAndMovedOutOnTheNextSave() throws Exception {
        try (GroupCommitStore store = Stores.open("mvstore", dir)) {
            String id = UUID.randomUUID().toString();
            KvMap users = store.map("users");
            KvMap index = store.map("identities");
            store.write(() -> {
                users.put(id, ("{\"id\":\"" + id + "\",\"username\":\"old\",\"identities\":{\"custom\":[\"c-1\"],"
                        + "\"device\":[\"d-1\",\"d-2\"]},\"createTime\":1}").getBytes(StandardCharsets.UTF_8));
                for (String key : List.of("custom:c-1", "device:d-1", "device:d-2")) {
                    index.put(key, id.getBytes(StandardCharsets.US_ASCII));
                }
                return null;
            }).get(10, TimeUnit.SECONDS);
            AccountStore accounts = new AccountStore(store);
            assertEquals(List.of("d-1", "d-2"), accounts.load(id).identities("device"));
            store.write(() -> {
                UserRecord user = accounts.load(id);
                user.addIdentity("device", "d-3", true);
                accounts.indexIdentity("device", "d-3", id);
                accounts.save(user);
                return null;
            }).get(10, TimeUnit.SECONDS);
            assertFalse(new String(users.get(id), StandardCharsets.UTF_8).contains("d-1"), "identities still inside the record");
            UserRecord user = accounts.load(id);
            assertEquals(List.of("c-1"), user.identities("custom"));
            assertEquals(List.of("d-1", "d-2", "d-3"), user.identities("device"));
            assertEquals(4, user.identityCount());
        }
    }
}
