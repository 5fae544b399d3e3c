package io.guildhall.auth.steam;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TicketAnswerTest {
    private static final TicketAnswer.Policy STRICT = new TicketAnswer.Policy(true, true, true);

    @Test
    void anOkAnswerProvesItsSteamId() throws Exception {
        assertEquals("76561197960287930", TicketAnswer.steamId(bytes("{\"response\":{\"params\":{\"result\":\"OK\","
                + "\"steamid\":\"76561197960287930\",\"ownersteamid\":\"76561197960287930\",\"vacbanned\":false,"
                + "\"publisherbanned\":false}}}"), STRICT));
    }

    @Test
    void aMissingOwnerIsRefusedWhenFamilySharingIsRefused() throws Exception {
        String answer = "{\"response\":{\"params\":{\"result\":\"OK\",\"steamid\":\"76561197960287930\"}}}";
        assertThrows(TicketAnswer.Rejected.class, () -> TicketAnswer.steamId(bytes(answer), STRICT));
        assertEquals("76561197960287930", TicketAnswer.steamId(bytes(answer), new TicketAnswer.Policy(true, true, false)));
    }

    @Test
    void steamIdsAreCanonicalUnsigned64() {
        assertTrue(TicketAnswer.canonicalUnsigned64("1"));
        assertTrue(TicketAnswer.canonicalUnsigned64("18446744073709551615"));
        assertFalse(TicketAnswer.canonicalUnsigned64("18446744073709551616"));
        assertFalse(TicketAnswer.canonicalUnsigned64("0"));
        assertFalse(TicketAnswer.canonicalUnsigned64("01"));
        assertFalse(TicketAnswer.canonicalUnsigned64("+1"));
        assertFalse(TicketAnswer.canonicalUnsigned64("１"));
        assertFalse(TicketAnswer.canonicalUnsigned64(""));
    }

    @Test
    void ticketsAreHexOfBoundedLength() {
        assertTrue(SteamProvider.isHex("14000000aBcDeF"));
        assertFalse(SteamProvider.isHex("14000000&key=x"));
        assertFalse(SteamProvider.isHex("A".repeat(SteamProvider.MAX_TICKET_CHARS + 1)));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
