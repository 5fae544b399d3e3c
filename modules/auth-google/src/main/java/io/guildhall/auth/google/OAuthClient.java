package io.guildhall.auth.google;

import org.jose4j.json.JsonUtil;
import org.jose4j.lang.JoseException;

import java.util.List;
import java.util.Map;

/**
 * The OAuth client of {@code google_auth.credentials_json}, as Google Cloud Console downloads it:
 * {@code {"web": {"client_id", "client_secret", "redirect_uris", ...}}} or the same under
 * {@code "installed"}.
 */
record OAuthClient(String clientId, String clientSecret, String redirectUri) {
    /** Parses the JSON; the message of a failure never repeats the JSON (it holds a secret). */
    static OAuthClient parse(String json) {
        Map<String, Object> root;
        try {
            root = JsonUtil.parseJson(json);
        } catch (JoseException | RuntimeException e) {
            throw new IllegalArgumentException("google_auth.credentials_json is not JSON");
        }
        Object client = root.get("web") != null ? root.get("web") : root.get("installed");
        if (!(client instanceof Map<?, ?> fields)) {
            throw new IllegalArgumentException("google_auth.credentials_json has neither a \"web\" nor an \"installed\" client");
        }
        String id = Profiles.text(fields.get("client_id"));
        String secret = Profiles.text(fields.get("client_secret"));
        if (id == null || secret == null) {
            throw new IllegalArgumentException("google_auth.credentials_json lacks client_id or client_secret");
        }
        String redirect = fields.get("redirect_uris") instanceof List<?> uris && !uris.isEmpty()
                ? Profiles.text(uris.get(0)) : null;
        return new OAuthClient(id, secret, redirect);
    }

    @Override
    public String toString() {
        return "OAuthClient[" + clientId + "]";
    }
}
