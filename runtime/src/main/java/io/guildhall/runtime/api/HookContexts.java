package io.guildhall.runtime.api;

import io.guildhall.runtime.http.Call;
import io.guildhall.runtime.session.SessionToken;
import io.guildhall.spi.module.HookContext;

import java.util.Map;
import java.util.Optional;

/** The {@link HookContext} of a call: its session's user, or nobody for server-key calls. */
final class HookContexts {
    private HookContexts() {
    }

    static HookContext of(Call call) {
        SessionToken session = call.session();
        if (session == null) {
            return anonymous(call, Map.of());
        }
        return new HookContext(Optional.of(session.userId().toString()), Optional.of(session.username()),
                session.vars(), call.clientAddress());
    }

    static HookContext anonymous(Call call, Map<String, String> vars) {
        return new HookContext(Optional.empty(), Optional.empty(), vars, call.clientAddress());
    }
}
