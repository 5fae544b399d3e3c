package io.guildhall.auth.apple;

import io.guildhall.spi.Crypto;
import io.guildhall.spi.KeySets;
import org.jose4j.json.JsonUtil;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.lang.JoseException;

import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Apple's published JWKS, read into RSA public keys by key id, each with the algorithm it is for. */
final class AppleKeys {
    /** RS256 keys shorter than this are refused (RFC 7518 section 3.3). */
    private static final int MIN_RSA_BITS = 2048;
    /** Members Apple always publishes; a key lacking any of them is skipped, as Nakama does. */
    private static final List<String> REQUIRED = List.of("kty", "kid", "use", "alg", "n", "e");

    /** A published key and the algorithm its {@code alg} member binds it to. */
    record AppleKey(PublicKey publicKey, String algorithm) {
    }

    private AppleKeys() {
    }

    /**
     * The parser for Apple's JWKS, its keys in the form {@code crypto} checks fastest. Make one per
     * provider and keep it: the shared cache is keyed by source and parser.
     */
    static KeySets.Parser<AppleKey> parser(Crypto crypto) {
        return response -> parse(response.text(), crypto);
    }

    static KeySets.Parsed<AppleKey> parse(String json, Crypto crypto) throws JoseException {
        Object keys = JsonUtil.parseJson(json).get("keys");
        if (!(keys instanceof List<?> list)) {
            throw new JoseException("JWKS without a \"keys\" array");
        }
        Map<String, AppleKey> byId = new HashMap<>();
        for (Object item : list) {
            if (item instanceof Map<?, ?> member && usable(member)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> params = (Map<String, Object>) member;
                try {
                    RsaJsonWebKey key = new RsaJsonWebKey(params);
                    if (key.getRsaPublicKey().getModulus().bitLength() < MIN_RSA_BITS) {
                        continue;
                    }
                    byId.put((String) params.get("kid"), new AppleKey(crypto.publicKey(key.getRsaPublicKey()), (String) params.get("alg")));
                } catch (JoseException | GeneralSecurityException | RuntimeException malformed) {
                    // A malformed key is skipped; the others still serve.
                }
            }
        }
        if (byId.isEmpty()) {
            throw new JoseException("JWKS without a usable RSA signing key");
        }
        return KeySets.Parsed.of(byId);
    }

    private static boolean usable(Map<?, ?> member) {
        for (String name : REQUIRED) {
            if (!(member.get(name) instanceof String value) || value.isEmpty()) {
                return false;
            }
        }
        return "RSA".equals(member.get("kty")) && "sig".equals(member.get("use"));
    }
}
