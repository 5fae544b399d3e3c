package io.guildhall.auth.steam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;

/**
 * Reads Steam's answer to {@code ISteamUserAuth/AuthenticateUserTicket} and decides whether it
 * proves a player: {@code response.error} or a {@code result} other than {@code OK} is a refusal,
 * the {@code steamid} must be a canonical decimal SteamID64, and banned or family-shared tickets
 * are refused as the {@link Policy} says.
 */
final class TicketAnswer {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A SteamID64 is an unsigned 64-bit number: at most 20 decimal digits. */
    private static final int MAX_STEAM_ID_DIGITS = 20;

    /** Which otherwise valid tickets to refuse. */
    record Policy(boolean rejectVacBanned, boolean rejectPublisherBanned, boolean rejectFamilyShared) {
    }

    /** Why a ticket does not prove a player; the message is for the server log, never the client. */
    static final class Rejected extends Exception {
        Rejected(String reason) {
            super(reason, null, false, false);
        }
    }

    private TicketAnswer() {
    }

    /** The SteamID64 the ticket proves, as Steam's canonical decimal string. */
    static String steamId(byte[] body, Policy policy) throws Rejected {
        JsonNode response = parse(body).path("response");
        if (!response.isObject()) {
            throw new Rejected("answer has no response object");
        }
        JsonNode error = response.get("error");
        if (error != null && !error.isNull()) {
            throw new Rejected("Steam refused the ticket: error " + error.path("errorcode").asText("?")
                    + " '" + printable(error.path("errordesc").asText("")) + "'");
        }
        JsonNode params = response.path("params");
        if (!params.isObject()) {
            throw new Rejected("answer has no params");
        }
        String result = params.path("result").asText("");
        if (!"OK".equals(result)) {
            throw new Rejected("result is '" + printable(result) + "', not OK");
        }
        String steamId = steamIdField(params, "steamid");
        if (policy.rejectVacBanned() && flag(params, "vacbanned")) {
            throw new Rejected("player " + steamId + " is VAC banned");
        }
        if (policy.rejectPublisherBanned() && flag(params, "publisherbanned")) {
            throw new Rejected("player " + steamId + " is banned by the publisher");
        }
        if (policy.rejectFamilyShared()) {
            String owner = steamIdField(params, "ownersteamid");
            if (!owner.equals(steamId)) {
                throw new Rejected("player " + steamId + " plays a copy owned by " + owner + " (family sharing)");
            }
        }
        return steamId;
    }

    private static JsonNode parse(byte[] body) throws Rejected {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw new Rejected("answer is not a JSON object");
            }
            return root;
        } catch (IOException e) {
            throw new Rejected("answer is not JSON");
        }
    }

    /** A decimal SteamID64: digits only, no leading zero, non-zero, within 64 unsigned bits. */
    private static String steamIdField(JsonNode params, String name) throws Rejected {
        JsonNode node = params.get(name);
        String value = node != null && node.isTextual() ? node.textValue() : "";
        if (!canonicalUnsigned64(value)) {
            throw new Rejected(name + " '" + printable(value) + "' is not a SteamID64");
        }
        return value;
    }

    static boolean canonicalUnsigned64(String value) {
        if (value.isEmpty() || value.length() > MAX_STEAM_ID_DIGITS || value.charAt(0) == '0') {
            return false;
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        try {
            Long.parseUnsignedLong(value);
            return true;
        } catch (NumberFormatException tooLarge) {
            return false;
        }
    }

    /** Steam sends JSON booleans; anything else where a flag should be is garbage. */
    private static boolean flag(JsonNode params, String name) throws Rejected {
        JsonNode node = params.get(name);
        if (node == null || node.isNull()) {
            return false;
        }
        if (!node.isBoolean()) {
            throw new Rejected(name + " is not a boolean");
        }
        return node.booleanValue();
    }

    /** Keeps log lines short and on one line whatever the platform sent. */
    private static String printable(String text) {
        String shortened = text.length() > 80 ? text.substring(0, 80) + "..." : text;
        return shortened.replaceAll("[^\\x20-\\x7e]", "?");
    }
}
