package com.example.studio;

import io.guildhall.spi.ApiException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatchReportTest {
    private static final String A = "0190e7d2-0000-7000-8000-000000000001";
    private static final String B = "0190e7d2-0000-7000-8000-000000000002";

    @Test
    void aValidReport() {
        MatchReport report = MatchReport.parse("""
                {"match_id":"m-1","duration_sec":300,"players":[{"user_id":"%s","score":10,"won":true},{"user_id":"%s","score":3}]}
                """.formatted(A, B), 16);
        assertEquals("m-1", report.matchId());
        assertEquals(2, report.players().size());
        assertTrue(report.players().get(0).won());
        assertTrue(report.includes(B));
    }

    @Test
    void everyHostileShapeIsA400() {
        for (String bad : new String[]{
                "not json", "[]", "{\"match_id\":\"m 1\",\"duration_sec\":1,\"players\":[]}",
                "{\"match_id\":\"m\",\"duration_sec\":0,\"players\":[{\"user_id\":\"" + A + "\",\"score\":1}]}",
                "{\"match_id\":\"m\",\"duration_sec\":\"5\",\"players\":[{\"user_id\":\"" + A + "\",\"score\":1}]}",
                "{\"match_id\":\"m\",\"duration_sec\":5,\"players\":[]}",
                "{\"match_id\":\"m\",\"duration_sec\":5,\"players\":[{\"user_id\":\"nope\",\"score\":1}]}",
                "{\"match_id\":\"m\",\"duration_sec\":5,\"players\":[{\"user_id\":\"" + A + "\",\"score\":-1}]}",
                "{\"match_id\":\"m\",\"duration_sec\":5,\"players\":[{\"user_id\":\"" + A + "\",\"score\":1},{\"user_id\":\"" + A + "\",\"score\":1}]}"}) {
            ApiException e = assertThrows(ApiException.class, () -> MatchReport.parse(bad, 16), bad);
            assertEquals(3, e.code().number(), bad);
        }
        String three = "{\"match_id\":\"m\",\"duration_sec\":5,\"players\":[{\"user_id\":\"" + A + "\",\"score\":1},{\"user_id\":\"" + B + "\",\"score\":1}]}";
        assertThrows(ApiException.class, () -> MatchReport.parse(three, 1), "over max_players");
    }

    @Test
    void aMatchIsCountedOncePerPlayer() {
        String once = PlayerRecord.count("{\"title\":\"Hero\"}", "m-1", true);
        assertEquals("{\"title\":\"Hero\",\"matches\":1,\"wins\":1,\"last_match\":\"m-1\"}", once);
        assertNull(PlayerRecord.count(once, "m-1", true), "a retried report is not counted again");
        assertEquals("{\"title\":\"Hero\",\"matches\":2,\"wins\":1,\"last_match\":\"m-2\"}", PlayerRecord.count(once, "m-2", false));
    }
}
