package io.guildhall.auth.apple;

import io.guildhall.auth.apple.AppleTokenVerifier.AppleIdentity;
import io.guildhall.spi.ApiException;
import io.guildhall.spi.Code;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.IdentitySlot;
import io.guildhall.spi.Profile;
import io.guildhall.spi.Proof;
import io.guildhall.spi.KeySets;
import io.guildhall.spi.ProviderContext;
import io.guildhall.spi.ProviderRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;

/**
 * Sign in with Apple: the client sends the identity token Apple gave it; the player is the
 * token's {@code sub}. Stricter than Nakama: the audience must be one of our bundle or services ids
 * and the expiry is required (see {@link AppleTokenVerifier}).
 */
public final class AppleProvider implements IdentityProvider {
    static final String DEFAULT_JWKS_URL = "https://appleid.apple.com/auth/keys";
    private static final Logger LOG = LoggerFactory.getLogger(AppleProvider.class);
    private static final String REJECTED = "Could not authenticate Apple profile.";

    private List<String> bundleIds = List.of();
    private AppleTokenVerifier verifier;
    /** Answers only from the key cache, for sign-ins checked on the IO thread. */
    private AppleTokenVerifier.KeyLookup cachedKeys;

    @Override
    public String id() {
        return "apple";
    }

    @Override
    public IdentitySlot slot() {
        return IdentitySlot.APPLE;
    }

    @Override
    public String configSection() {
        return "social.apple";
    }

    @Override
    public boolean importsProfileEmail() {
        return true;
    }

    @Override
    public String configurationProblem() {
        return bundleIds.isEmpty() ? "social.apple.bundle_id is not set" : null;
    }

    @Override
    public void init(ProviderContext context) {
        bundleIds = context.config().list("bundle_id");
        URI jwks = context.config().url("jwks_url", DEFAULT_JWKS_URL);
        KeySets.Parser<AppleKeys.AppleKey> parser = AppleKeys.parser(context.crypto());
        verifier = new AppleTokenVerifier(bundleIds, kid -> context.keySets().key(jwks, parser, kid), context.crypto(), context.clock());
        cachedKeys = kid -> {
            AppleKeys.AppleKey key = context.keySets().cachedKey(jwks, parser, kid);
            if (key == null) {
                throw new AppleTokenVerifier.NotCached();
            }
            return key;
        };
    }

    /**
     * With Apple's key already cached, checking a token is CPU work only (one RSA verification), so
     * it is done on the IO thread: no thread hand-offs. Anything else goes to {@link #prove}.
     */
    @Override
    public Proof proveWithoutBlocking(ProviderRequest request) {
        String token = request.body().string("token");
        if (bundleIds.isEmpty() || token.isEmpty()) {
            return null;
        }
        try {
            return proof(verifier.verify(token, cachedKeys));
        } catch (AppleTokenVerifier.KeyNotCached e) {
            return null;
        } catch (AppleTokenVerifier.Rejected e) {
            LOG.debug("Apple identity token rejected: {}", e.getMessage());
            throw ApiException.unauthenticated(REJECTED);
        }
    }

    @Override
    public Proof prove(ProviderRequest request) {
        if (bundleIds.isEmpty()) {
            throw new ApiException(Code.FAILED_PRECONDITION, "Apple authentication is not configured.");
        }
        String token = request.body().string("token");
        if (token.isEmpty()) {
            throw ApiException.invalid("Apple ID token is required.");
        }
        return proof(verify(token));
    }

    private static Proof proof(AppleIdentity identity) {
        return Proof.of(identity.subject()).profile(new Profile(null, null, identity.email(), identity.emailVerified()));
    }

    /** Without a token, whatever Apple id the account holds; with one, only the id it proves (Nakama). */
    @Override
    public String unlinkSubject(ProviderRequest request) {
        String token = request.body().string("token");
        return token.isEmpty() ? null : verify(token).subject();
    }

    @Override
    public String alreadyInUseMessage() {
        return "Apple ID is already in use.";
    }

    private AppleIdentity verify(String token) {
        try {
            return verifier.verify(token);
        } catch (AppleTokenVerifier.Rejected e) {
            LOG.debug("Apple identity token rejected: {}", e.getMessage());
            throw ApiException.unauthenticated(REJECTED);
        }
    }
}
