package io.guildhall.auth.device;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.IdentitySlot;
import io.guildhall.spi.Identifiers;
import io.guildhall.spi.Proof;
import io.guildhall.spi.ProviderRequest;

/** Device ids: the client's own installation id; an account may hold several. */
public final class DeviceProvider implements IdentityProvider {
    @Override
    public String id() {
        return "device";
    }

    @Override
    public IdentitySlot slot() {
        return IdentitySlot.DEVICE;
    }

    @Override
    public boolean mayBlock() {
        return false;
    }

    @Override
    public Proof prove(ProviderRequest request) {
        String id = request.body().string("id");
        if (id.isEmpty()) {
            throw ApiException.invalid("Device ID is required.");
        }
        if (Identifiers.hasControlOrSpace(id)) {
            throw ApiException.invalid("Device ID invalid, no spaces or control characters allowed.");
        }
        if (!Identifiers.lengthWithin(id, 10, 128)) {
            throw ApiException.invalid("Device ID invalid, must be 10-128 bytes.");
        }
        return Proof.of(id);
    }

    @Override
    public String unlinkSubject(ProviderRequest request) {
        String id = request.body().string("id");
        if (id.isEmpty()) {
            throw ApiException.invalid("A device ID must be supplied.");
        }
        return id;
    }

    @Override
    public String alreadyInUseMessage() {
        return "Device ID already in use.";
    }
}
