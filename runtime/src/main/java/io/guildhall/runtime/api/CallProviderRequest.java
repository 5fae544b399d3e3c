package io.guildhall.runtime.api;

import io.guildhall.runtime.http.Call;
import io.guildhall.spi.Operation;
import io.guildhall.spi.ProviderRequest;
import io.guildhall.spi.RequestBody;

import java.util.Optional;

/** A provider's view of an authenticate, link or unlink call. */
record CallProviderRequest(Operation operation, Call call) implements ProviderRequest {
    @Override
    public RequestBody body() {
        return call.body();
    }

    @Override
    public Optional<String> query(String name) {
        return call.query(name);
    }
}
