package io.guildhall.runtime.store;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.function.BiConsumer;

/**
 * A map whose changes are also recorded for the write-ahead log. Reads go straight to the map
 * underneath, so they see every write at once, as before.
 */
final class LoggedMap implements KvMap {
    private final byte[] name;
    private final KvMap map;
    private final MapOps ops;

    LoggedMap(String name, KvMap map, MapOps ops) {
        this.name = name.getBytes(UTF_8);
        this.map = map;
        this.ops = ops;
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
        // validated by the map first, so that a refused put is not logged either
        map.put(key, value);
        ops.put(name, key, value);
    }

    @Override
    public void remove(String key) {
        map.remove(key);
        ops.remove(name, key);
    }

    @Override
    public void forEach(BiConsumer<String, byte[]> action) {
        map.forEach(action);
    }

    @Override
    public void forEachWithPrefix(String prefix, BiConsumer<String, byte[]> action) {
        map.forEachWithPrefix(prefix, action);
    }

    @Override
    public String floorKey(String key) {
        return map.floorKey(key);
    }

    @Override
    public void scan(String from, String to, java.util.function.BiPredicate<String, byte[]> visitor) {
        map.scan(from, to, visitor);
    }

    @Override
    public java.util.List<String> splitKeys(int parts) {
        return map.splitKeys(parts);
    }

    @Override
    public long size() {
        return map.size();
    }
}
