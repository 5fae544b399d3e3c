package io.guildhall.runtime.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The map changes made since the last append to the write-ahead log, encoded as one record payload:
 * a sequence of {@code [1][map][key][value]} (put) and {@code [2][map][key]} (remove), each string
 * as a varint length and UTF-8 bytes, the value as a varint length and its bytes. Values are
 * absolute, so replaying a record twice, or over a checkpoint that already holds part of it, gives
 * the same state. Used under the store's write lock only.
 */
final class MapOps {
    static final byte PUT = 1;
    static final byte REMOVE = 2;
    /** Above this, a drained buffer is dropped rather than kept (one huge mutation must not pin memory). */
    private static final int KEEP_CAPACITY = 1 << 20;

    private byte[] bytes = new byte[64 << 10];
    private int size;

    void put(byte[] map, String key, byte[] value) {
        byte[] k = key.getBytes(UTF_8);
        ensure(1 + 5 + map.length + 5 + k.length + 5 + value.length);
        bytes[size++] = PUT;
        writeBytes(map);
        writeBytes(k);
        writeBytes(value);
    }

    void remove(byte[] map, String key) {
        byte[] k = key.getBytes(UTF_8);
        ensure(1 + 5 + map.length + 5 + k.length);
        bytes[size++] = REMOVE;
        writeBytes(map);
        writeBytes(k);
    }

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    /** The encoded changes; valid until the next call on this buffer. */
    ByteBuffer view() {
        return ByteBuffer.wrap(bytes, 0, size);
    }

    void clear() {
        size = 0;
        if (bytes.length > KEEP_CAPACITY) {
            bytes = new byte[64 << 10];
        }
    }

    /** What {@link #replay} calls for each change of a record. */
    interface Target {
        void put(String map, String key, byte[] value);

        void remove(String map, String key);
    }

    /** Applies every change of one record payload, in order. */
    static void replay(ByteBuffer record, Target target) {
        ByteBuffer in = record.duplicate();
        while (in.hasRemaining()) {
            byte op = in.get();
            String map = new String(readBytes(in), UTF_8);
            String key = new String(readBytes(in), UTF_8);
            if (op == PUT) {
                target.put(map, key, readBytes(in));
            } else if (op == REMOVE) {
                target.remove(map, key);
            } else {
                throw new StoreException("write-ahead log record holds an unknown change type " + op);
            }
        }
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }

    private void writeBytes(byte[] data) {
        int n = data.length;
        while ((n & ~0x7F) != 0) {
            bytes[size++] = (byte) ((n & 0x7F) | 0x80);
            n >>>= 7;
        }
        bytes[size++] = (byte) n;
        System.arraycopy(data, 0, bytes, size, data.length);
        size += data.length;
    }

    private static byte[] readBytes(ByteBuffer in) {
        int n = 0;
        for (int shift = 0; ; shift += 7) {
            if (shift > 28) {
                throw new StoreException("write-ahead log record holds a malformed length");
            }
            byte b = in.get();
            n |= (b & 0x7F) << shift;
            if (b >= 0) {
                break;
            }
        }
        if (n < 0 || n > in.remaining()) {
            throw new StoreException("write-ahead log record holds a length past its end");
        }
        byte[] out = new byte[n];
        in.get(out);
        return out;
    }
}
