package io.guildhall.runtime.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** The store contract on MapDB. */
class MapDbStoreTest extends StoreContractTest {
    @Override
    String engine() {
        return Stores.MAPDB;
    }

    @Override
    boolean splitsRanges() {
        return false;
    }

    @Test
    void corruptFileIsReportedWithItsName() throws Exception {
        Path file = dir.resolve(Stores.MAPDB_FILE);
        Files.write(file, new byte[64 * 1024]);
        StoreException e = assertThrows(StoreException.class, () -> Stores.open(Stores.MAPDB, dir));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
