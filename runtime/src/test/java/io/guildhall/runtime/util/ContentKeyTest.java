package io.guildhall.runtime.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ContentKeyTest {
    @Test
    void keysAreEqualExactlyWhenTheContentIs() {
        Random random = new Random(3);
        for (int length = 0; length < 40; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            ContentKey key = new ContentKey(bytes);
            assertEquals(key, new ContentKey(bytes.clone()));
            assertEquals(key.hashCode(), new ContentKey(bytes.clone()).hashCode());
            for (int at = 0; at < length; at++) {
                byte[] changed = bytes.clone();
                changed[at] ^= 1;
                assertNotEquals(key, new ContentKey(changed), "byte " + at + " of " + length);
            }
            byte[] longer = java.util.Arrays.copyOf(bytes, length + 1);
            assertNotEquals(key, new ContentKey(longer));
        }
    }

    @Test
    void similarRecordsSpreadOverHashes() {
        Set<Integer> hashes = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            hashes.add(new ContentKey(("{\"id\":\"user-" + i + "\",\"username\":\"name\"}").getBytes()).hashCode());
        }
        assertEquals(10_000, hashes.size(), "hash collisions among near-identical records");
    }
}
