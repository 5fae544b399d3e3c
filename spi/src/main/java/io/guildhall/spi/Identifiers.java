package io.guildhall.spi;

import java.nio.charset.StandardCharsets;

/** Shared checks for identifiers, as the Nakama wire contract defines them (UTF-8 byte lengths). */
public final class Identifiers {
    private Identifiers() {
    }

    /** True when the value has an ASCII control character or ASCII whitespace. */
    public static boolean hasControlOrSpace(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c <= 0x20 || c == 0x7f) {
                return true;
            }
        }
        return false;
    }

    /** The UTF-8 length in bytes. */
    public static int utf8Length(String value) {
        int ascii = 0;
        for (int i = 0; i < value.length(); i++) {
            if (value.charAt(i) >= 0x80) {
                return value.getBytes(StandardCharsets.UTF_8).length;
            }
            ascii++;
        }
        return ascii;
    }

    public static boolean lengthWithin(String value, int min, int max) {
        int length = utf8Length(value);
        return length >= min && length <= max;
    }
}
