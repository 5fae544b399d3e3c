package io.guildhall.runtime.util;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A byte array as a map key, by content: for memos keyed by a stored record. Hashed eight bytes
 * at a time (a ByteBuffer's hash goes byte by byte, which showed in the profile of every account
 * read), compared in full.
 */
public final class ContentKey {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long MIX = 0x9E3779B97F4A7C15L;

    private final byte[] bytes;
    private final int hash;

    /** The array must not change while the key is in use. */
    public ContentKey(byte[] bytes) {
        this.bytes = bytes;
        this.hash = hash(bytes);
    }

    private static int hash(byte[] bytes) {
        long h = bytes.length;
        int i = 0;
        for (; i + Long.BYTES <= bytes.length; i += Long.BYTES) {
            h = (h ^ (long) LONGS.get(bytes, i)) * MIX;
        }
        for (; i < bytes.length; i++) {
            h = (h ^ bytes[i]) * MIX;
        }
        return (int) (h ^ (h >>> 32));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ContentKey key && key.hash == hash && Arrays.equals(key.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
