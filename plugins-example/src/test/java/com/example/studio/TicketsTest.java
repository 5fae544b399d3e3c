package com.example.studio;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class TicketsTest {
    private final Tickets tickets = new Tickets("a-studio-login-secret-of-32-bytes!!");
    private final Instant now = Instant.parse("2026-05-01T12:00:00Z");

    @Test
    void aTicketFromTheLoginServiceNamesItsPlayer() {
        assertEquals("player-1", tickets.verify(tickets.issue("player-1", now.plusSeconds(60)), now));
    }

    @Test
    void forgedExpiredAndMalformedTicketsAreRefused() {
        String good = tickets.issue("player-1", now.plusSeconds(60));
        assertNull(tickets.verify(good.replace("player-1", "player-2"), now), "another player's name");
        assertNull(new Tickets("another-secret-of-at-least-32-bytes!!").verify(good, now), "another secret");
        assertNull(tickets.verify(good, now.plusSeconds(60)), "expired");
        assertNull(tickets.verify("player-1.99999999999", now));
        assertNull(tickets.verify("player-1.notanumber.c2ln", now));
        assertNull(tickets.verify("p.1.c2ln", now), "player ids are 3-64 characters");
        assertNull(tickets.verify(good + "x", now));
    }
}
