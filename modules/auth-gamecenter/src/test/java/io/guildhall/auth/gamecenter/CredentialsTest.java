package io.guildhall.auth.gamecenter;

import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CredentialsTest {
    @Test
    void theSignedPayloadIsPlayerBundleBigEndianTimestampSalt() {
        byte[] payload = Credentials.signedPayload("G:1", "b.é", 0x0102030405060708L, new byte[]{9, 10});
        // "G:1", then "b.é" in UTF-8 (é is two bytes), then the timestamp most significant byte first, then the salt.
        assertEquals("473a31" + "622ec3a9" + "0102030405060708" + "090a", HexFormat.of().formatHex(payload));
    }

    @Test
    void aTimestampAboveTheSignedRangeIsWrittenAsUnsigned() {
        byte[] payload = Credentials.signedPayload("", "", -1L, new byte[0]);
        assertEquals("ffffffffffffffff", HexFormat.of().formatHex(payload));
    }
}
