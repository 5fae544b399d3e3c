package io.guildhall.runtime.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on MapDB. MapDB cannot start without net.jpountz.xxhash (the lz4-java jar),
 * which the build excludes: these tests are skipped, saying so, until that jar is on the classpath.
 */
class MapDbStoreTest extends StoreContractTest {
    @Override
    String engine() {
        return Stores.MAPDB;
    }

    @BeforeEach
    void needsXxHash() {
        Assumptions.assumeTrue(MapDbEngine.isAvailable(),
                "MapDB needs net.jpountz.xxhash (lz4-java) on the classpath; the build excludes it");
    }

    @Test
    void corruptFileIsReportedWithItsName() throws Exception {
        Path file = dir.resolve(Stores.MAPDB_FILE);
        Files.write(file, new byte[64 * 1024]);
        StoreException e = assertThrows(StoreException.class, () -> Stores.open(Stores.MAPDB, dir));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    }
}
