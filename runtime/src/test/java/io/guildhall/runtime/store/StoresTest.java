package io.guildhall.runtime.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoresTest {
    @TempDir
    Path dir;

    @Test
    void unknownEngineListsTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Stores.open("rocksdb", dir));
        assertTrue(e.getMessage().contains("rocksdb"), e.getMessage());
        assertTrue(e.getMessage().contains("mvstore, mapdb"), e.getMessage());
    }

    @Test
    void mvstoreIsTheDefaultAndTheDirectoryIsCreated() {
        Path data = dir.resolve("a/b");
        Stores.open(null, data).close();
        assertTrue(Files.isRegularFile(data.resolve(Stores.MVSTORE_FILE)));
        Stores.open(" MVStore ", data).close();
    }

    @Test
    void aStoreInUseCannotBeOpenedTwice() {
        try (GroupCommitStore first = Stores.open(Stores.MVSTORE, dir)) {
            assertTrue(first.durable().isDone());
            StoreException e = assertThrows(StoreException.class, () -> Stores.open(Stores.MVSTORE, dir));
            assertTrue(e.getMessage().contains(Stores.MVSTORE_FILE), e.getMessage());
        }
    }
}
