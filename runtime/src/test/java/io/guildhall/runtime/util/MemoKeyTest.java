package io.guildhall.runtime.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class MemoKeyTest {
    private static final UUID USER = UUID.randomUUID();

    @Test
    void keysAreEqualWhenTheContentIsAndDifferOnAnyChangedByte() {
        Random random = new Random(3);
        for (int length = 0; length < 40; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            MemoKey key = MemoKey.of(USER, bytes);
            assertEquals(key, MemoKey.of(USER, bytes.clone()));
            assertNotEquals(key, MemoKey.of(UUID.randomUUID(), bytes), "another user's record never matches");
            for (int at = 0; at < length; at++) {
                byte[] changed = bytes.clone();
                changed[at] ^= 1;
                assertNotEquals(key, MemoKey.of(USER, changed), "byte " + at + " of " + length);
            }
            byte[] longer = java.util.Arrays.copyOf(bytes, length + 1);
            assertNotEquals(key, MemoKey.of(USER, longer));
        }
    }

    @Test
    void similarRecordsSpreadOverHashes() {
        Set<Long> hashes = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            hashes.add(MemoKey.hash(("{\"id\":\"user\",\"username\":\"name-" + i + "\"}").getBytes()));
        }
        assertEquals(100_000, hashes.size(), "hash collisions among near-identical records");
    }
}
