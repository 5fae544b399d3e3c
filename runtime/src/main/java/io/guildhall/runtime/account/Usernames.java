package io.guildhall.runtime.account;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.Identifiers;

import java.security.SecureRandom;

/** Username rules: validation of chosen names and generation of random ones. */
public final class Usernames {
    private static final String LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Usernames() {
    }

    /**
     * Checks a chosen username. Unlike Nakama, whitespace is rejected as the message promises, in
     * every Unicode form (no-break and zero-width spaces, NEL, bidi overrides, line separators), as
     * are unpaired surrogates; the {@code []} sequence is rejected as in Nakama.
     */
    public static void validate(String username) {
        if (Identifiers.hasControlOrSpace(username) || hasInvisible(username) || username.contains("[]")) {
            throw ApiException.invalid("Username invalid, no spaces or control characters allowed.");
        }
        if (Identifiers.utf8Length(username) > 128) {
            throw ApiException.invalid("Username invalid, must be 1-128 bytes.");
        }
    }

    /** Characters of the categories Cc, Cf, Cs (lone surrogates), Zs, Zl and Zp. */
    static boolean hasInvisible(String text) {
        return text.codePoints().anyMatch(cp -> switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.SPACE_SEPARATOR,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR -> true;
            default -> false;
        });
    }

    /** Ten random ASCII letters from a cryptographic source. */
    public static String generate() {
        char[] name = new char[10];
        for (int i = 0; i < name.length; i++) {
            name[i] = LETTERS.charAt(RANDOM.nextInt(LETTERS.length()));
        }
        return new String(name);
    }
}
