package io.guildhall.auth.facebookinstant;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.IdentitySlot;
import io.guildhall.spi.PluginConfig;
import io.guildhall.spi.Proof;
import io.guildhall.spi.ProviderContext;
import io.guildhall.spi.ProviderRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Facebook Instant Games: the player's {@code signed_player_info}, checked with the app secret
 * alone, so this provider never calls out and is served from the IO thread. A bad or malformed
 * value answers 401 code 16 on authenticate as on link (Nakama answers 500 code 15 on
 * authenticate; that deviation is deliberate).
 */
public final class FacebookInstantGameProvider implements IdentityProvider {
    static final String SECTION = "social.facebook_instant_game";
    private static final String REFUSED = "Could not authenticate Facebook Instant Game profile.";
    private static final Logger LOG = LoggerFactory.getLogger(FacebookInstantGameProvider.class);

    private SignedPlayerInfoVerifier verifier;
    private String problem;

    @Override
    public String id() {
        return "facebookinstantgame";
    }

    @Override
    public IdentitySlot slot() {
        return IdentitySlot.FACEBOOK_INSTANT_GAME;
    }

    @Override
    public String configSection() {
        return SECTION;
    }

    @Override
    public boolean mayBlock() {
        return false;
    }

    @Override
    public void init(ProviderContext context) {
        PluginConfig config = context.config();
        String secret = config.string("app_secret", "");
        long maxAgeSec = config.number("max_age_sec", 0);
        if (maxAgeSec < 0) {
            throw new IllegalArgumentException(SECTION + ".max_age_sec must be 0 (off) or more, got " + maxAgeSec);
        }
        verifier = new SignedPlayerInfoVerifier(secret.getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(maxAgeSec),
                context.clock());
        problem = secret.isEmpty() ? SECTION + ".app_secret is not set: every signed player info is refused" : null;
    }

    @Override
    public String configurationProblem() {
        return problem;
    }

    @Override
    public Proof prove(ProviderRequest request) {
        String signedPlayerInfo = request.body().string("signed_player_info");
        if (signedPlayerInfo.isEmpty()) {
            throw ApiException.invalid("Signed Player Info for a Facebook Instant Game is required.");
        }
        return Proof.of(verify(signedPlayerInfo));
    }

    @Override
    public String unlinkSubject(ProviderRequest request) {
        String signedPlayerInfo = request.body().string("signed_player_info");
        return signedPlayerInfo.isEmpty() ? null : verify(signedPlayerInfo);
    }

    private String verify(String signedPlayerInfo) {
        try {
            return verifier.playerId(signedPlayerInfo);
        } catch (SignedPlayerInfoVerifier.Refused e) {
            LOG.debug("Facebook Instant Game signed player info refused: {}", e.getMessage());
            throw ApiException.unauthenticated(REFUSED);
        }
    }

    @Override
    public String alreadyInUseMessage() {
        return "Facebook Instant Game ID is already in use.";
    }
}
