package io.guildhall.runtime.store;

import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

import org.mapdb.BTreeMap;
import org.mapdb.DBException;

/** One MapDB B-tree map. MapDB serializes values on put and deserializes on get, so no copies. */
final class MapDbMap implements KvMap {
    private final BTreeMap<String, byte[]> map;

    MapDbMap(BTreeMap<String, byte[]> map) {
        this.map = map;
    }

    /** A failed or closed MapDB file reads as storage unavailable (503), like every storage failure. */
    private static StoreException unavailable(DBException e) {
        return new StoreException("MapDB failed: " + e.getMessage(), e);
    }

    @Override
    public byte[] get(String key) {
        try {
            return map.get(key);
        } catch (DBException e) {
            throw unavailable(e);
        }
    }

    @Override
    public boolean containsKey(String key) {
        try {
            return map.containsKey(key);
        } catch (DBException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void put(String key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        try {
            map.put(key, value);
        } catch (DBException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void remove(String key) {
        try {
            map.remove(key);
        } catch (DBException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void forEach(BiConsumer<String, byte[]> action) {
        map.forEach(action);
    }

    @Override
    public void forEachWithPrefix(String prefix, BiConsumer<String, byte[]> action) {
        try {
            // every key with the prefix sorts at or after it and before prefix + U+FFFF
            map.subMap(prefix, true, prefix + '\uffff', false).forEach(action);
        } catch (DBException e) {
            throw unavailable(e);
        }
    }

    @Override
    public String floorKey(String key) {
        return map.floorKey(key);
    }

    @Override
    public void scan(String from, String to, BiPredicate<String, byte[]> visitor) {
        for (var entry : map.subMap(from, true, to, false).entrySet()) {
            if (!visitor.test(entry.getKey(), entry.getValue())) {
                return;
            }
        }
    }

    @Override
    public long size() {
        return map.sizeLong();
    }
}
