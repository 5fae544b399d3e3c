package io.guildhall.auth.facebook;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.IdentitySlot;
import io.guildhall.spi.Identifiers;
import io.guildhall.spi.PluginConfig;
import io.guildhall.spi.Proof;
import io.guildhall.spi.ProviderContext;
import io.guildhall.spi.ProviderRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Facebook sign-in. A token shaped like a JWT is a Limited Login OIDC token ({@link LimitedLoginVerifier});
 * anything else is a classic Graph access token ({@link GraphTokenVerifier}). Unlike Nakama, a JWT
 * that fails is not retried as a Graph token: it is never one.
 */
public final class FacebookProvider implements IdentityProvider {
    static final String SECTION = "social.facebook_limited_login";
    static final String DEFAULT_JWKS_URL = "https://limited.facebook.com/.well-known/oauth/openid/jwks/";
    static final String DEFAULT_GRAPH_URL = "https://graph.facebook.com/v22.0";
    private static final String REFUSED = "Could not authenticate Facebook profile.";
    // Limited Login tokens are about 1-2 KiB and Graph tokens a few hundred characters.
    private static final int MAX_TOKEN_CHARS = 8192;
    private static final Logger LOG = LoggerFactory.getLogger(FacebookProvider.class);

    private LimitedLoginVerifier limitedLogin;
    private GraphTokenVerifier graph;
    private String problem;

    @Override
    public String id() {
        return "facebook";
    }

    @Override
    public IdentitySlot slot() {
        return IdentitySlot.FACEBOOK;
    }

    @Override
    public String configSection() {
        return SECTION;
    }

    @Override
    public boolean importsProfileEmail() {
        return true;
    }

    @Override
    public void init(ProviderContext context) {
        PluginConfig config = context.config();
        String appId = config.string("app_id", "").trim();
        String appSecret = config.string("app_secret", "");
        URI jwksUrl = config.url("jwks_url", DEFAULT_JWKS_URL);
        URI graphUrl = config.url("graph_url", DEFAULT_GRAPH_URL);
        List<String> missing = new ArrayList<>();
        if (appId.isEmpty()) {
            missing.add(SECTION + ".app_id is not set: every Facebook token is refused");
        } else {
            limitedLogin = new LimitedLoginVerifier(context.keySets(), jwksUrl, appId, context.clock());
        }
        if (appSecret.isEmpty()) {
            missing.add(SECTION + ".app_secret is not set, so classic Graph access tokens are refused (Limited Login tokens are still verified)");
        } else if (!appId.isEmpty()) {
            graph = new GraphTokenVerifier(context.http(), graphUrl, appId, appSecret);
        }
        problem = missing.isEmpty() ? null : String.join("; ", missing);
    }

    @Override
    public String configurationProblem() {
        return problem;
    }

    /** {@code sync} (friend import) is accepted and ignored: there is no friends API yet. */
    @Override
    public Proof prove(ProviderRequest request) {
        String token = request.body().string("token");
        if (token.isEmpty()) {
            throw ApiException.invalid("Facebook access token is required.");
        }
        return verify(token);
    }

    @Override
    public String unlinkSubject(ProviderRequest request) {
        String token = request.body().string("token");
        return token.isEmpty() ? null : verify(token).subject();
    }

    private Proof verify(String token) {
        try {
            if (token.length() > MAX_TOKEN_CHARS || Identifiers.hasControlOrSpace(token)) {
                throw new Refused("the token is too long or has spaces or control characters");
            }
            if (LimitedLoginVerifier.looksLikeJwt(token)) {
                if (limitedLogin == null) {
                    throw new Refused("Limited Login is not configured (" + SECTION + ".app_id)");
                }
                return limitedLogin.verify(token);
            }
            if (graph == null) {
                throw new Refused("classic tokens are not configured (" + SECTION + ".app_id and app_secret)");
            }
            return graph.verify(token);
        } catch (Refused e) {
            LOG.debug("Facebook token refused: {}", e.getMessage());
        } catch (IOException e) {
            LOG.warn("Facebook Graph API unavailable: {}", withoutQuery(e));
        }
        throw ApiException.unauthenticated(REFUSED);
    }

    /** The shared client's messages name the host only; still, never log anything that holds a query. */
    private static String withoutQuery(IOException e) {
        String message = e.getMessage();
        return message == null || message.contains("?") ? e.getClass().getSimpleName() : message;
    }

    @Override
    public String alreadyInUseMessage() {
        return "Facebook ID is already in use.";
    }
}
