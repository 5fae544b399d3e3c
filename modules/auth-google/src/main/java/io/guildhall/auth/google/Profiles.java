package io.guildhall.auth.google;

/** Reading profile values a platform sent as loosely typed JSON. */
final class Profiles {
    private Profiles() {
    }

    /** Nakama stores platform ids in 128-character columns. */
    static final int MAX_ID_CHARS = 128;

    /** A platform's id for a player: 1-128 characters, none of them control characters. */
    static boolean plausibleId(String id) {
        if (id == null || id.isEmpty() || id.length() > MAX_ID_CHARS) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            if (id.charAt(i) < 0x20 || id.charAt(i) == 0x7f) {
                return false;
            }
        }
        return true;
    }

    /** An email address and whether the platform says it is verified. */
    record Email(String address, boolean verified) {
    }

    /** The value when it is a non-empty string, else null. */
    static String text(Object value) {
        return value instanceof String text && !text.isEmpty() ? text : null;
    }

    /**
     * The email when it is a plausible address (no whitespace or control characters, at most 255
     * characters), verified when the platform says so as a boolean or the string "true".
     */
    static Email email(Object address, Object verified) {
        String email = text(address);
        if (email == null || email.length() > 255) {
            return new Email(null, false);
        }
        for (int i = 0; i < email.length(); i++) {
            if (email.charAt(i) <= 0x20 || email.charAt(i) == 0x7f) {
                return new Email(null, false);
            }
        }
        return new Email(email, Boolean.TRUE.equals(verified) || verified instanceof String s && s.equalsIgnoreCase("true"));
    }
}
