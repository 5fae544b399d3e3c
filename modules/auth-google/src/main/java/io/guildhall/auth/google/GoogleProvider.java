package io.guildhall.auth.google;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.IdentitySlot;
import io.guildhall.spi.PluginConfig;
import io.guildhall.spi.Profile;
import io.guildhall.spi.Proof;
import io.guildhall.spi.ProviderContext;
import io.guildhall.spi.ProviderRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Google: a Google ID token (a JWT, checked against Google's certificates and our client ids), or
 * a Play Games Services v2 server auth code (exchanged with our OAuth client, then the player looked
 * up). The player is the token's {@code sub} or the Play Games {@code playerId}.
 */
public final class GoogleProvider implements IdentityProvider {
    static final String DEFAULT_CERTS_URL = "https://www.googleapis.com/oauth2/v1/certs";
    static final String DEFAULT_TOKEN_URL = "https://oauth2.googleapis.com/token";
    static final String DEFAULT_PLAYERS_URL = "https://www.googleapis.com/games/v1/players/me";
    private static final Logger LOG = LoggerFactory.getLogger(GoogleProvider.class);
    private static final String REJECTED = "Could not authenticate Google profile.";
    /** ID tokens are 1-2 KB and auth codes about 100 characters; anything far larger is neither. */
    private static final int MAX_TOKEN_CHARS = 8192;
    /** Three base64url segments: a compact JWS. Server auth codes contain '/' and never look like this. */
    private static final Pattern COMPACT_JWS = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");

    private List<String> clientIds = List.of();
    private GoogleIdTokenVerifier idTokens;
    private PlayGamesCodeExchange playGames;

    @Override
    public String id() {
        return "google";
    }

    @Override
    public IdentitySlot slot() {
        return IdentitySlot.GOOGLE;
    }

    @Override
    public String configSection() {
        return "google_auth";
    }

    @Override
    public boolean importsProfileEmail() {
        return true;
    }

    /** Nakama fills an existing account's empty display name and avatar at each Google sign-in. */
    @Override
    public boolean fillsEmptyProfileOnSignIn() {
        return true;
    }

    @Override
    public String configurationProblem() {
        if (clientIds.isEmpty() && playGames == null) {
            return "google_auth.client_ids and google_auth.credentials_json are not set";
        }
        return null;
    }

    @Override
    public void init(ProviderContext context) {
        PluginConfig config = context.config();
        clientIds = config.list("client_ids");
        URI certs = config.url("certs_url", DEFAULT_CERTS_URL);
        GoogleCertificates parser = new GoogleCertificates(context.clock());
        idTokens = new GoogleIdTokenVerifier(clientIds, kid -> context.keySets().key(certs, parser, kid), context.clock());
        String credentials = config.string("credentials_json", "");
        if (!credentials.isBlank()) {
            playGames = new PlayGamesCodeExchange(context.http(), OAuthClient.parse(credentials),
                    config.url("token_url", DEFAULT_TOKEN_URL),
                    config.url("players_url", DEFAULT_PLAYERS_URL));
        }
    }

    @Override
    public Proof prove(ProviderRequest request) {
        String token = request.body().string("token");
        if (token.isEmpty()) {
            throw ApiException.invalid("Google access token is required.");
        }
        GoogleIdentity player = verify(token);
        Proof proof = Proof.of(player.subject())
                .profile(new Profile(player.displayName(), player.avatarUrl(), player.email(), player.emailVerified()));
        return player.originalSubject() == null ? proof : proof.replacing(player.originalSubject());
    }

    /** Without a token, whatever Google id the account holds; with one, only the id it proves (Nakama). */
    @Override
    public String unlinkSubject(ProviderRequest request) {
        String token = request.body().string("token");
        return token.isEmpty() ? null : verify(token).subject();
    }

    @Override
    public String alreadyInUseMessage() {
        return "Google ID is already in use.";
    }

    /**
     * A JWT is checked as an ID token only; anything else is taken for a Play Games server auth
     * code (Nakama also sends JWTs that fail to the token endpoint, which cannot accept them).
     */
    private GoogleIdentity verify(String token) {
        try {
            if (token.length() > MAX_TOKEN_CHARS) {
                throw new Rejected("token longer than " + MAX_TOKEN_CHARS + " characters");
            }
            GoogleIdentity player;
            if (COMPACT_JWS.matcher(token).matches()) {
                player = idTokens.verify(token);
            } else if (playGames == null) {
                throw new Rejected("not a JWT, and google_auth.credentials_json is not set for Play Games auth codes");
            } else {
                player = playGames.player(token);
            }
            if (!Profiles.plausibleId(player.subject())
                    || player.originalSubject() != null && !Profiles.plausibleId(player.originalSubject())) {
                throw new Rejected("player id empty, over " + Profiles.MAX_ID_CHARS + " characters or with control characters");
            }
            return player;
        } catch (Rejected e) {
            LOG.debug("Google token rejected: {}", e.getMessage());
            throw ApiException.unauthenticated(REJECTED);
        }
    }
}
