package io.guildhall.runtime.store;

import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * One named map of the store: string keys, byte-array values. Reads see every write at once,
 * durable or not; callers that answer a client wait on {@link Store#durable()} first.
 * Mutating methods may only be called inside {@link Store#write}.
 */
public interface KvMap {
    byte[] get(String key);

    boolean containsKey(String key);

    void put(String key, byte[] value);

    void remove(String key);

    /** Visits every entry (for start-up loading and small scans), in key order where the engine keeps one. */
    void forEach(BiConsumer<String, byte[]> action);

    /** Visits the entries whose key starts with {@code prefix}, in key order: a range read, not a scan. */
    void forEachWithPrefix(String prefix, BiConsumer<String, byte[]> action);

    long size();

    /** The greatest key less than or equal to {@code key}, or null. */
    String floorKey(String key);

    /**
     * Visits the entries with {@code from <= key < to} in key order until the visitor returns false.
     * Reads see one consistent version of the map.
     */
    void scan(String from, String to, BiPredicate<String, byte[]> visitor);

    /**
     * Up to {@code parts - 1} keys, ascending, that cut the map into ranges of about equal size, so
     * that a long scan can read the ranges on several threads. Empty when the engine cannot tell
     * cheaply (then one scan reads it all).
     */
    default java.util.List<String> splitKeys(int parts) {
        return java.util.List.of();
    }

    /** Removes every entry. Mutating: only inside {@link Store#write}. */
    default void clear() {
        java.util.List<String> keys = new java.util.ArrayList<>();
        scan("", "\uffff", (k, v) -> keys.add(k));
        keys.forEach(this::remove);
    }
}
