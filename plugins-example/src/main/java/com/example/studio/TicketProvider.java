package com.example.studio;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.PluginConfig;
import io.guildhall.spi.Proof;
import io.guildhall.spi.ProviderContext;
import io.guildhall.spi.ProviderRequest;

import java.time.Clock;

/**
 * Sign-in with the studio's own login service. The service hands the game a ticket
 * ({@link Tickets}); the game sends it to {@code /v2/account/authenticate/ticket} as
 * {@code {"token": "..."}}, and gets the same link and unlink endpoints as the built-in providers.
 * Nothing here calls out, so the server may run it on its IO threads ({@link #mayBlock()} false).
 */
public final class TicketProvider implements IdentityProvider {
    static final String ID = "ticket";

    private Tickets tickets;
    private Clock clock;

    @Override
    public String id() {
        return ID;
    }

    @Override
    public String configSection() {
        return "modules.studio.ticket";
    }

    @Override
    public boolean mayBlock() {
        return false;
    }

    @Override
    public void init(ProviderContext context) {
        PluginConfig config = context.config();
        String secret = config.string("secret", "");
        // Refuse to start rather than accept tickets nobody could have signed.
        if (secret.length() < 32) {
            throw new IllegalStateException("modules.studio.ticket.secret must be set to at least 32 characters");
        }
        tickets = new Tickets(secret);
        clock = context.clock();
    }

    @Override
    public Proof prove(ProviderRequest request) {
        String token = request.body().string("token");
        if (token.isEmpty()) {
            throw ApiException.invalid("Ticket is required.");
        }
        String player = tickets.verify(token, clock.instant());
        if (player == null) {
            throw new ApiException(Code.UNAUTHENTICATED, "Could not authenticate Ticket profile.");
        }
        return Proof.of(player);
    }

    @Override
    public String unlinkSubject(ProviderRequest request) {
        String token = request.body().string("token");
        if (token.isEmpty()) {
            return null;
        }
        String player = tickets.verify(token, clock.instant());
        if (player == null) {
            throw new ApiException(Code.UNAUTHENTICATED, "Could not authenticate Ticket profile.");
        }
        return player;
    }

    @Override
    public String alreadyInUseMessage() {
        return "Ticket is already in use.";
    }
}
