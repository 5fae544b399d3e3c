package io.guildhall.runtime.module;

import io.guildhall.spi.module.Rpc;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** The RPC functions modules registered, by lower-cased id. Filled during start-up, read-only afterwards. */
public final class Rpcs {
    /** An RPC as registered; {@code mayBlock} false runs it on the event loop. */
    public record Registered(String module, String origin, Rpc rpc, boolean mayBlock) {
    }

    private final Map<String, Registered> byId = new HashMap<>();

    /** Returns the registration already holding the id, or null after adding this one. */
    Registered add(String id, Registered registered) {
        return byId.putIfAbsent(id.toLowerCase(Locale.ROOT), registered);
    }

    /** The RPC with this id (case-insensitive, as Nakama), or null. */
    public Registered find(String id) {
        return byId.get(id.toLowerCase(Locale.ROOT));
    }

    public int size() {
        return byId.size();
    }
}
