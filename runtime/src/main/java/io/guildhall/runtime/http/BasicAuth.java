package io.guildhall.runtime.http;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Reads the user name of an HTTP Basic header (API keys and server keys travel as the user name). */
public final class BasicAuth {
    private BasicAuth() {
    }

    /** The user name as bytes, or null when the header is not a well-formed Basic credential. */
    public static byte[] username(String header) {
        if (header == null || !header.startsWith("Basic ")) {
            return null;
        }
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(header.substring(6).trim());
        } catch (IllegalArgumentException e) {
            return null;
        }
        for (int i = 0; i < decoded.length; i++) {
            if (decoded[i] == ':') {
                return java.util.Arrays.copyOf(decoded, i);
            }
        }
        return null;
    }

    public static String basic(String username) {
        return "Basic " + Base64.getEncoder().encodeToString((username + ":").getBytes(StandardCharsets.UTF_8));
    }
}
