package io.guildhall.runtime.account;

import io.guildhall.spi.ApiException;

/** Limits of the account's display fields, checked the same way for clients and for modules. */
public final class AccountFields {
    private AccountFields() {
    }

    /** Nakama lets the database reject overlong values with a 500; we answer 400 up front. */
    public static String limited(String value, String label, int maxChars) {
        if (value != null && value.codePointCount(0, value.length()) > maxChars) {
            throw ApiException.invalid(label + " invalid, must be at most " + maxChars + " characters.");
        }
        return value;
    }
}
