package io.guildhall.runtime.store;

import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

import org.mapdb.BTreeMap;

/** One MapDB B-tree map. MapDB serializes values on put and deserializes on get, so no copies. */
final class MapDbMap implements KvMap {
    private final BTreeMap<String, byte[]> map;

    MapDbMap(BTreeMap<String, byte[]> map) {
        this.map = map;
    }

    @Override
    public byte[] get(String key) {
        return map.get(key);
    }

    @Override
    public boolean containsKey(String key) {
        return map.containsKey(key);
    }

    @Override
    public void put(String key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        map.put(key, value);
    }

    @Override
    public void remove(String key) {
        map.remove(key);
    }

    @Override
    public void forEach(BiConsumer<String, byte[]> action) {
        map.forEach(action);
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
