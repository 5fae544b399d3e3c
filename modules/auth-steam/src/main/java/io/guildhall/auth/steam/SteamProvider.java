package io.guildhall.auth.steam;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.IdentitySlot;
import io.guildhall.spi.Operation;
import io.guildhall.spi.OutboundHttp;
import io.guildhall.spi.PluginConfig;
import io.guildhall.spi.Proof;
import io.guildhall.spi.ProviderContext;
import io.guildhall.spi.ProviderRequest;
import io.guildhall.spi.RequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Steam session tickets (the hex string from {@code GetAuthSessionTicket}), checked with the Steam
 * Web API's {@code ISteamUserAuth/AuthenticateUserTicket} using the studio's publisher key. The
 * identity is the player's decimal SteamID64.
 *
 * <p>The publisher key travels in that call's query string, so the URL is never logged and never
 * put into an exception message; failures are logged with the reason only.
 */
public final class SteamProvider implements IdentityProvider {
    private static final Logger LOG = LoggerFactory.getLogger(SteamProvider.class);

    static final String NOT_CONFIGURED = "Steam authentication is not configured.";
    static final String TOKEN_REQUIRED = "Steam access token is required.";
    static final String FAILED = "Could not authenticate Steam profile.";
    static final String DEFAULT_API_URL = "https://partner.steam-api.com";
    static final String AUTHENTICATE_PATH = "/ISteamUserAuth/AuthenticateUserTicket/v1/";
    /** Tickets are at most 1024 bytes, sent as hex; anything longer is not a ticket. */
    static final int MAX_TICKET_CHARS = 4096;

    private OutboundHttp http;
    private String publisherKey = "";
    private long appId;
    private String apiUrl = DEFAULT_API_URL;
    private TicketAnswer.Policy policy = new TicketAnswer.Policy(true, true, true);

    @Override
    public String id() {
        return "steam";
    }

    @Override
    public IdentitySlot slot() {
        return IdentitySlot.STEAM;
    }

    @Override
    public String configSection() {
        return "social.steam";
    }

    @Override
    public void init(ProviderContext context) {
        PluginConfig config = context.config();
        http = context.http();
        publisherKey = config.string("publisher_key", "").trim();
        appId = config.number("app_id", 0);
        if (appId < 0) {
            throw new IllegalArgumentException("social.steam.app_id must be a Steam app id (a positive number), got " + appId);
        }
        apiUrl = baseUrl(config.url("api_url", DEFAULT_API_URL));
        // Nakama checks none of these; refusing is the safe default (see README, "Steam").
        policy = new TicketAnswer.Policy(
                config.bool("reject_vac_banned", true),
                config.bool("reject_publisher_banned", true),
                config.bool("reject_family_shared", true));
    }

    /** The base the ticket path is appended to: no query or fragment, no trailing slash. */
    private static String baseUrl(URI configured) {
        if (configured.getRawQuery() != null || configured.getRawFragment() != null) {
            throw new IllegalArgumentException("social.steam.api_url must be an http(s) URL without query, got " + configured);
        }
        String url = configured.toString();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return url;
    }

    @Override
    public String configurationProblem() {
        List<String> missing = new ArrayList<>();
        if (publisherKey.isEmpty()) {
            missing.add("social.steam.publisher_key is not set");
        }
        if (appId == 0) {
            missing.add("social.steam.app_id is not set");
        }
        return missing.isEmpty() ? null : String.join(" and ", missing);
    }

    private boolean configured() {
        return !publisherKey.isEmpty() && appId != 0;
    }

    @Override
    public Proof prove(ProviderRequest request) {
        String token;
        if (request.operation() == Operation.LINK) {
            // Nakama's link checks the token before the configuration, authenticate the reverse.
            token = linkAccount(request.body()).string("token");
            requireToken(token);
            requireConfigured();
        } else {
            requireConfigured();
            token = request.body().string("token");
            requireToken(token);
        }
        return Proof.of(verify(token));
    }

    /**
     * nakama-js sends link as {@code {"account":{"token":..},"sync":bool}} (the gateway's
     * LinkSteamRequest), unlike every other link; a plain account message is accepted too.
     * {@code sync} is ignored until a friends API exists.
     */
    private static RequestBody linkAccount(RequestBody body) {
        return body.has("account") ? body.object("account") : body;
    }

    /** Unlink checks no configuration (as Nakama): a ticket that cannot be verified is a 16. */
    @Override
    public String unlinkSubject(ProviderRequest request) {
        String token = request.body().string("token");
        return token.isEmpty() ? null : verify(token);
    }

    @Override
    public String alreadyInUseMessage() {
        return "Steam ID is already in use.";
    }

    private void requireConfigured() {
        if (!configured()) {
            throw new ApiException(Code.FAILED_PRECONDITION, NOT_CONFIGURED);
        }
    }

    private static void requireToken(String token) {
        if (token.isEmpty()) {
            throw ApiException.invalid(TOKEN_REQUIRED);
        }
    }

    /** The SteamID64 the ticket proves, or a 16. */
    private String verify(String ticket) {
        if (!configured()) {
            throw refused("Steam ticket not checked: " + configurationProblem());
        }
        if (!isHex(ticket)) {
            throw refused("Steam ticket is not a hex string of at most " + MAX_TICKET_CHARS + " characters");
        }
        OutboundHttp.Response response;
        try {
            response = http.get(authenticateUri(ticket), Map.of("Accept", "application/json"));
        } catch (IOException e) {
            LOG.warn("Steam AuthenticateUserTicket call failed: {}", redacted(e));
            throw refused(null);
        }
        if (!response.ok()) {
            LOG.warn("Steam AuthenticateUserTicket answered HTTP {}", response.status());
            throw refused(null);
        }
        try {
            return TicketAnswer.steamId(response.body(), policy);
        } catch (TicketAnswer.Rejected e) {
            throw refused("Steam ticket rejected: " + e.getMessage());
        }
    }

    /** The call's URL; it holds the publisher key, so it must never reach a log or a message. */
    private URI authenticateUri(String ticket) {
        return URI.create(apiUrl + AUTHENTICATE_PATH + "?format=json&key=" + URLEncoder.encode(publisherKey, StandardCharsets.UTF_8)
                + "&appid=" + appId + "&ticket=" + ticket);
    }

    static boolean isHex(String ticket) {
        if (ticket.length() > MAX_TICKET_CHARS) {
            return false;
        }
        for (int i = 0; i < ticket.length(); i++) {
            char c = ticket.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }

    /** The failure's type and message with the publisher key blanked, should a library have quoted the URL. */
    private String redacted(Exception e) {
        String message = e.getMessage();
        if (message == null) {
            return e.getClass().getSimpleName();
        }
        if (!publisherKey.isEmpty()) {
            message = message.replace(publisherKey, "*****")
                    .replace(URLEncoder.encode(publisherKey, StandardCharsets.UTF_8), "*****");
        }
        return e.getClass().getSimpleName() + ": " + message;
    }

    private static ApiException refused(String reason) {
        if (reason != null) {
            LOG.debug(reason);
        }
        return ApiException.unauthenticated(FAILED);
    }
}
