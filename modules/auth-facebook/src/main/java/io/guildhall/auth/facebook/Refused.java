package io.guildhall.auth.facebook;

/**
 * A token that did not prove an identity, with the reason for the server's log (never shown to the
 * client, and never holding the token or the app secret).
 */
final class Refused extends Exception {
    Refused(String reason) {
        super(reason, null, false, false);
    }
}
