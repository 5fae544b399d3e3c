package io.guildhall.auth.google;

/** Reading profile values a platform sent as loosely typed JSON. */
final class Profiles {
    private Profiles() {
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
