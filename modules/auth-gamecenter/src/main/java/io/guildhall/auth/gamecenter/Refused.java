package io.guildhall.auth.gamecenter;

/** Why credentials do not prove a player; the message is for the server log, never the client. */
final class Refused extends Exception {
    Refused(String reason) {
        super(reason, null, false, false);
    }
}
