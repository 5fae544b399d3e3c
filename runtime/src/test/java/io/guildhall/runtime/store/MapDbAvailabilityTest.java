package io.guildhall.runtime.store;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without lz4-java, asking for MapDB must fail with a message that says why, not a NoClassDefFoundError. */
class MapDbAvailabilityTest {
    @TempDir
    Path dir;

    @Test
    void missingXxHashIsExplained() {
        Assumptions.assumeFalse(MapDbEngine.isAvailable(), "lz4-java is on the classpath");
        StoreException e = assertThrows(StoreException.class, () -> Stores.open(Stores.MAPDB, dir));
        assertTrue(e.getMessage().contains("net.jpountz.xxhash"), e.getMessage());
    }
}
