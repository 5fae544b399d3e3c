package io.guildhall.runtime.testing;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * HS256 tokens with the header tokens had before they named their key ({@code {"alg":"HS256","typ":"JWT"}},
 * no {@code kid}), as Guildhall minted them before key rotation and as Nakama mints analytics tokens.
 */
public final class LegacyJwt {
    private LegacyJwt() {
    }

    /** The claims (a JSON object) signed with {@code key}. */
    public static String sign(String key, String claimsJson) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.US_ASCII))
                + "." + b64.encodeToString(claimsJson.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return signingInput + "." + b64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The claims of {@code jwt}, re-signed with {@code key} under the legacy header. */
    public static String resign(String key, String jwt) {
        return sign(key, new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8));
    }
}
