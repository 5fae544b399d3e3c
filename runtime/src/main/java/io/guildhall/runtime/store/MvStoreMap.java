package io.guildhall.runtime.store;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

import org.h2.mvstore.Cursor;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.h2.mvstore.MVStoreException;

/**
 * One MVStore map. Reads register the version they use, so that a commit cannot free (and a later
 * commit overwrite) a chunk a slow reader is still walking; the engine keeps no spare versions.
 * Values are copied in and out: MVStore keeps the caller's array in its in-memory pages.
 */
final class MvStoreMap implements KvMap {
    private final MVStore store;
    private final MVMap<String, byte[]> map;

    MvStoreMap(MVStore store, MVMap<String, byte[]> map) {
        this.store = store;
        this.map = map;
    }

    /**
     * MVStore reports a failed or closed file with its own unchecked exception; callers see a
     * StoreException (storage unavailable, 503) like every other storage failure.
     */
    private static StoreException unavailable(MVStoreException e) {
        return new StoreException("MVStore failed: " + e.getMessage(), e);
    }

    @Override
    public byte[] get(String key) {
        try {
            MVStore.TxCounter version = store.registerVersionUsage();
            try {
                byte[] value = map.get(key);
                return value == null ? null : value.clone();
            } finally {
                store.deregisterVersionUsage(version);
            }
        } catch (MVStoreException e) {
            throw unavailable(e);
        }
    }

    @Override
    public boolean containsKey(String key) {
        try {
            MVStore.TxCounter version = store.registerVersionUsage();
            try {
                return map.containsKey(key);
            } finally {
                store.deregisterVersionUsage(version);
            }
        } catch (MVStoreException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void put(String key, byte[] value) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        try {
            map.put(key, Arrays.copyOf(value, value.length));
        } catch (MVStoreException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void remove(String key) {
        try {
            map.remove(key);
        } catch (MVStoreException e) {
            throw unavailable(e);
        }
    }

    @Override
    public void forEach(BiConsumer<String, byte[]> action) {
        MVStore.TxCounter version = store.registerVersionUsage();
        try {
            Cursor<String, byte[]> cursor = map.cursor(null);
            while (cursor.hasNext()) {
                String key = cursor.next();
                action.accept(key, cursor.getValue().clone());
            }
        } finally {
            store.deregisterVersionUsage(version);
        }
    }

    @Override
    public void forEachWithPrefix(String prefix, BiConsumer<String, byte[]> action) {
        try {
            MVStore.TxCounter version = store.registerVersionUsage();
            try {
                Cursor<String, byte[]> cursor = map.cursor(prefix);
                while (cursor.hasNext()) {
                    String key = cursor.next();
                    if (!key.startsWith(prefix)) {
                        return;
                    }
                    action.accept(key, cursor.getValue().clone());
                }
            } finally {
                store.deregisterVersionUsage(version);
            }
        } catch (MVStoreException e) {
            throw unavailable(e);
        }
    }

    @Override
    public String floorKey(String key) {
        MVStore.TxCounter version = store.registerVersionUsage();
        try {
            return map.floorKey(key);
        } finally {
            store.deregisterVersionUsage(version);
        }
    }

    @Override
    public void scan(String from, String to, BiPredicate<String, byte[]> visitor) {
        MVStore.TxCounter version = store.registerVersionUsage();
        try {
            Cursor<String, byte[]> cursor = map.cursor(from);
            while (cursor.hasNext()) {
                String key = cursor.next();
                if (key.compareTo(to) >= 0 || !visitor.test(key, cursor.getValue().clone())) {
                    return;
                }
            }
        } finally {
            store.deregisterVersionUsage(version);
        }
    }

    /** The keys at equal distances by index: the B-tree counts its entries, so each is one descent. */
    @Override
    public List<String> splitKeys(int parts) {
        MVStore.TxCounter version = store.registerVersionUsage();
        try {
            long size = map.sizeAsLong();
            List<String> keys = new ArrayList<>();
            for (int i = 1; i < parts && size >= parts; i++) {
                String key = map.getKey(size * i / parts);
                if (key != null && (keys.isEmpty() || key.compareTo(keys.get(keys.size() - 1)) > 0)) {
                    keys.add(key);
                }
            }
            return keys;
        } catch (MVStoreException e) {
            throw unavailable(e);
        } finally {
            store.deregisterVersionUsage(version);
        }
    }

    /** One step (a new empty root) instead of a removal per key. */
    @Override
    public void clear() {
        try {
            map.clear();
        } catch (MVStoreException e) {
            throw unavailable(e);
        }
    }

    @Override
    public long size() {
        return map.sizeAsLong();
    }
}
