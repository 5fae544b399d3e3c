package io.guildhall.runtime.social;

import io.guildhall.runtime.testing.ApiClient;
import io.guildhall.runtime.testing.PlatformStandIn;
import io.guildhall.runtime.testing.PlatformStandIn.Reply;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stand-in for the Steam Web API's {@code ISteamUserAuth/AuthenticateUserTicket} on 127.0.0.1.
 * It answers only calls carrying {@link #PUBLISHER_KEY} and {@link #APP_ID} (403 otherwise, as
 * Steam does), and each ticket the test made with the answer the test chose; unknown tickets get
 * Steam's error answer. Start the server with {@link #flags()}.
 */
public final class SteamStandIn implements AutoCloseable {
    public static final String PATH = "/ISteamUserAuth/AuthenticateUserTicket/v1/";
    /** Looks like a real key (32 hex digits); tests check it never reaches a log line. */
    public static final String PUBLISHER_KEY = "5EC2E7D0C0FFEE5EC2E7D0C0FFEE5EC2";
    public static final long APP_ID = 480;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PlatformStandIn platform = PlatformStandIn.start();
    private final Map<String, String> answers = new ConcurrentHashMap<>();

    public SteamStandIn() {
        platform.route(PATH, request -> {
            Map<String, String> query = request.query();
            if (!PUBLISHER_KEY.equals(query.get("key")) || !String.valueOf(APP_ID).equals(query.get("appid"))
                    || !"json".equals(query.get("format"))) {
                return Reply.status(403);
            }
            String answer = answers.get(query.getOrDefault("ticket", ""));
            return Reply.json(answer != null ? answer
                    : "{\"response\":{\"error\":{\"errorcode\":101,\"errordesc\":\"Invalid ticket\"}}}");
        });
    }

    /** The flags that point a server's {@code social.steam} section at this stand-in. */
    public String[] flags() {
        return new String[]{
                "--social.steam.publisher_key=" + PUBLISHER_KEY,
                "--social.steam.app_id=" + APP_ID,
                "--social.steam.api_url=" + platform.url("")};
    }

    /** A random SteamID64 in the individual-account range. */
    public static String newSteamId() {
        return Long.toUnsignedString(76561197960265728L + (RANDOM.nextLong() >>> 24));
    }

    /** A ticket Steam accepts for this player: own copy, no bans. */
    public String ticket(String steamId) {
        return ticket(steamId, steamId, false, false);
    }

    /** A ticket Steam answers with result OK and these details. */
    public String ticket(String steamId, String ownerSteamId, boolean vacBanned, boolean publisherBanned) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("result", "OK");
        params.put("steamid", steamId);
        params.put("ownersteamid", ownerSteamId);
        params.put("vacbanned", vacBanned);
        params.put("publisherbanned", publisherBanned);
        return ticketAnswering(ApiClient.json(Map.of("response", Map.of("params", params))));
    }

    /** A new ticket for which Steam answers exactly {@code body} (status 200, JSON content type). */
    public String ticketAnswering(String body) {
        byte[] bytes = new byte[64];
        RANDOM.nextBytes(bytes);
        String ticket = HexFormat.of().withUpperCase().formatHex(bytes);
        answers.put(ticket, body);
        return ticket;
    }

    /** How many calls reached the AuthenticateUserTicket route. */
    public int calls() {
        return platform.hits(PATH);
    }

    public PlatformStandIn platform() {
        return platform;
    }

    @Override
    public void close() {
        platform.close();
    }
}
