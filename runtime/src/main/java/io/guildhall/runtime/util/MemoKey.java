package io.guildhall.runtime.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.UUID;

/**
 * A memo key for something rendered from a user's stored record: the user id and a 64-bit hash of
 * the record's bytes. It does not hold the bytes (a memo must not pin a large record), and a change
 * to the record changes the hash, so a stale rendering is not found. Keyed by user too, so that no
 * crafted record can ever collide with another player's.
 */
public record MemoKey(UUID userId, long contentHash) {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long MIX = 0x9E3779B97F4A7C15L;

    /** Bytes a key holds, for caches bounded by weight. */
    public static final int WEIGHT = 64;

    public static MemoKey of(UUID userId, byte[] stored) {
        return new MemoKey(userId, hash(stored));
    }

    /** Hashed eight bytes at a time (a ByteBuffer's hash goes byte by byte, which showed in profiles). */
    static long hash(byte[] bytes) {
        long h = bytes.length;
        int i = 0;
        for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
            h = Long.rotateLeft((h ^ (long) LONGS.get(bytes, i)) * MIX, 29);
        }
        for (; i < bytes.length; i++) {
            h = Long.rotateLeft((h ^ bytes[i]) * MIX, 29);
        }
        return h ^ (h >>> 31);
    }
}
