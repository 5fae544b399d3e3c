package io.guildhall.auth.apple;

import io.guildhall.auth.apple.AppleKeys.AppleKey;
import io.guildhall.spi.Crypto;
import io.guildhall.auth.apple.AppleTokenVerifier.AppleIdentity;
import io.guildhall.auth.apple.AppleTokenVerifier.Rejected;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.RsaJsonWebKey;
import org.jose4j.jwk.RsaJwkGenerator;
import org.jose4j.jws.JsonWebSignature;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token checks on their own, with keys and tokens made here and a fixed clock. */
class AppleTokenVerifierTest {
    private static final long NOW = 1_800_000_000L;
    private static final RsaJsonWebKey KEY = key("k1", 2048);
    private final AppleTokenVerifier verifier = new AppleTokenVerifier(List.of("app.id", "web.id"),
            kid -> kid.equals("k1") ? new AppleKey(KEY.getRsaPublicKey(), "RS256") : null, Crypto.jdk(),
            Clock.fixed(Instant.ofEpochSecond(NOW), ZoneOffset.UTC));

    private static RsaJsonWebKey key(String kid, int bits) {
        try {
            RsaJsonWebKey key = RsaJwkGenerator.generateJwk(bits);
            key.setKeyId(kid);
            key.setAlgorithm("RS256");
            key.setUse("sig");
            return key;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String jws(String headerJson, String claimsJson) {
        try {
            JsonWebSignature jws = new JsonWebSignature();
            jws.getHeaders().setFullHeaderAsJsonString(headerJson);
            jws.setPayload(claimsJson);
            jws.setKey(KEY.getPrivateKey());
            jws.setDoKeyValidation(false);
            jws.setAlgorithmConstraints(AlgorithmConstraints.NO_CONSTRAINTS);
            return jws.getCompactSerialization();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String claims(String extra) {
        return "{\"iss\":\"https://appleid.apple.com\",\"aud\":\"app.id\",\"sub\":\"001.abc\",\"exp\":" + (NOW + 60) + extra + "}";
    }

    private static final String HEADER = "{\"alg\":\"RS256\",\"kid\":\"k1\"}";

    @Test
    void aValidTokenGivesItsSubjectAndEmail() throws Rejected {
        AppleIdentity identity = verifier.verify(jws(HEADER, claims(",\"email\":\"A@B.example\",\"email_verified\":true")));
        assertEquals("001.abc", identity.subject());
        assertEquals("A@B.example", identity.email());
        assertTrue(identity.emailVerified());
        assertFalse(verifier.verify(jws(HEADER, claims(",\"email\":\"a@b.example\",\"email_verified\":\"false\""))).emailVerified());
        assertNull(verifier.verify(jws(HEADER, claims(",\"email\":\"a b@c.example\",\"email_verified\":true"))).email());
    }

    @Test
    void anAudienceArrayNeedsOneOfOurs() throws Rejected {
        assertEquals("001.abc", verifier.verify(jws(HEADER, claims("").replace("\"aud\":\"app.id\"", "\"aud\":[\"x\",\"web.id\"]"))).subject());
        assertThrows(Rejected.class, () -> verifier.verify(jws(HEADER, claims("").replace("\"aud\":\"app.id\"", "\"aud\":[\"x\",\"y\"]"))));
    }

    @Test
    void timeClaimsAreCheckedAgainstTheClock() {
        assertThrows(Rejected.class, () -> verifier.verify(jws(HEADER, claims("").replace("\"exp\":" + (NOW + 60), "\"exp\":" + NOW))));
        assertThrows(Rejected.class, () -> verifier.verify(jws(HEADER, claims("").replace("\"exp\":" + (NOW + 60), "\"exp\":\"" + (NOW + 60) + "\""))));
        assertThrows(Rejected.class, () -> verifier.verify(jws(HEADER, claims(",\"nbf\":" + (NOW + 30)))));
    }

    @Test
    void malformedTokensAreRejected() {
        String valid = jws(HEADER, claims(""));
        for (String bad : new String[]{"", "a.b", valid + ".x", "!!." + valid.substring(valid.indexOf('.') + 1),
                jws("{\"alg\":\"RS256\",\"kid\":\"k1\",\"crit\":[\"exp\"],\"exp\":1}", claims("")),
                jws(HEADER, "[1,2]"),
                jws(HEADER, claims(",\"sub\":\"someone-else\"")),
                jws(HEADER, claims("").replace("\"sub\":\"001.abc\"", "\"sub\":7")),
                jws(HEADER, claims("").replace("\"sub\":\"001.abc\"", "\"sub\":\"" + "x".repeat(129) + "\"")),
                jws(HEADER, claims("").replace("\"sub\":\"001.abc\"", "\"sub\":\"a\\nb\"")),
                jws("{\"alg\":\"RS256\"}", claims("")),
                jws("{\"alg\":\"RS256\",\"kid\":\"k2\"}", claims(""))}) {
            assertThrows(Rejected.class, () -> verifier.verify(bad), bad);
        }
    }

    @Test
    void theSignatureCoversHeaderAndPayload() {
        String valid = jws(HEADER, claims(""));
        String[] parts = valid.split("\\.");
        String otherPayload = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims("").replace("001.abc", "002.xyz").getBytes(StandardCharsets.UTF_8));
        assertThrows(Rejected.class, () -> verifier.verify(parts[0] + "." + otherPayload + "." + parts[2]));
    }

    @Test
    void theJwksParserSkipsIncompleteShortAndForeignKeys() throws Exception {
        RsaJsonWebKey small = key("small", 1024);
        String noUse = KEY.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY).replace("\"kid\":\"k1\"", "\"kid\":\"nouse\"")
                .replace(",\"use\":\"sig\"", "").replace("\"use\":\"sig\",", "");
        String jwks = "{\"keys\":[" + KEY.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + ","
                + small.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY) + "," + noUse
                + ",{\"kty\":\"EC\",\"kid\":\"ec\",\"use\":\"sig\",\"alg\":\"ES256\",\"n\":\"x\",\"e\":\"y\"}]}";
        Map<String, AppleKey> keys = AppleKeys.parse(jwks, Crypto.jdk()).keys();
        assertEquals(List.of("k1"), List.copyOf(keys.keySet()));
        assertEquals("RS256", keys.get("k1").algorithm());
        assertThrows(Exception.class, () -> AppleKeys.parse("{\"keys\":[]}", Crypto.jdk()));
        assertThrows(Exception.class, () -> AppleKeys.parse("not json", Crypto.jdk()));
    }
}
