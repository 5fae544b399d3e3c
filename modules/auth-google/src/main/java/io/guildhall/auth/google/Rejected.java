package io.guildhall.auth.google;

/** A token or code that did not prove a player; the reason is for the debug log only, never for the client. */
final class Rejected extends Exception {
    Rejected(String reason) {
        super(reason, null, false, false);
    }
}
