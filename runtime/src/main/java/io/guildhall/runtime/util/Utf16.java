package io.guildhall.runtime.util;

/** Checks on Java strings as UTF-16: a lone surrogate has no UTF-8 form and breaks every encoder downstream. */
public final class Utf16 {
    private Utf16() {
    }

    /** True when every surrogate in the string is part of a high-low pair. */
    public static boolean isValid(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 == text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
                    return false;
                }
                i++;
            } else if (Character.isLowSurrogate(c)) {
                return false;
            }
        }
        return true;
    }
}
