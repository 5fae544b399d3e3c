package io.guildhall.runtime.util;

import java.security.SecureRandom;
import java.util.UUID;

/**
 * UUIDv7 (RFC 9562): random, and carrying the millisecond they were minted.
 * <ul>
 *   <li>Token ids: revocation compares that millisecond with a user's "invalid before" time, which
 *   the whole-second {@code iat} claim is too coarse for (a logout and a new sign-in often fall in
 *   the same second).</li>
 *   <li>User ids: new users sort last, so the store appends to one B-tree leaf instead of rewriting
 *   a random leaf per sign-up.</li>
 * </ul>
 */
public final class UuidV7 {
    private static final SecureRandom RANDOM = new SecureRandom();

    private UuidV7() {
    }

    public static String mint(long epochMillis) {
        byte[] random = new byte[10];
        RANDOM.nextBytes(random);
        long high = (epochMillis << 16) | 0x7000L | ((random[0] & 0x0fL) << 8) | (random[1] & 0xffL);
        long low = 0x8000000000000000L | ((random[2] & 0x3fL) << 56);
        for (int i = 3; i < 10; i++) {
            low |= (random[i] & 0xffL) << (8 * (9 - i));
        }
        return new UUID(high, low).toString();
    }

    /** The millisecond an id was minted, or -1 when it is no UUIDv7. */
    public static long mintedAt(String tokenId) {
        try {
            UUID uuid = UUID.fromString(tokenId);
            return uuid.version() == 7 ? uuid.getMostSignificantBits() >>> 16 : -1;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }
}
