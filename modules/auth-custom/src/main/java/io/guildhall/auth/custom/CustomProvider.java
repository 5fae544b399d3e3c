package io.guildhall.auth.custom;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.IdentitySlot;
import io.guildhall.spi.Identifiers;
import io.guildhall.spi.Operation;
import io.guildhall.spi.Proof;
import io.guildhall.spi.ProviderRequest;

/** Custom ids: an id from the studio's own account system, trusted as sent. */
public final class CustomProvider implements IdentityProvider {
    @Override
    public String id() {
        return "custom";
    }

    @Override
    public IdentitySlot slot() {
        return IdentitySlot.CUSTOM;
    }

    @Override
    public boolean mayBlock() {
        return false;
    }

    @Override
    public Proof prove(ProviderRequest request) {
        String id = request.body().string("id");
        boolean link = request.operation() == Operation.LINK;
        if (id.isEmpty()) {
            throw ApiException.invalid("Custom ID is required.");
        }
        // Nakama words the same two failures differently on link.
        if (Identifiers.hasControlOrSpace(id)) {
            throw ApiException.invalid(link
                    ? "Invalid custom ID, no spaces or control characters allowed."
                    : "Custom ID invalid, no spaces or control characters allowed.");
        }
        if (!Identifiers.lengthWithin(id, 6, 128)) {
            throw ApiException.invalid(link
                    ? "Invalid custom ID, must be 6-128 bytes."
                    : "Custom ID invalid, must be 6-128 bytes.");
        }
        return Proof.of(id);
    }

    @Override
    public String unlinkSubject(ProviderRequest request) {
        String id = request.body().string("id");
        return id.isEmpty() ? null : id;
    }

    @Override
    public String alreadyInUseMessage() {
        return "Custom ID is already in use.";
    }
}
