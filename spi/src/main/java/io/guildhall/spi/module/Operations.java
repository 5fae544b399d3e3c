package io.guildhall.spi.module;

import java.util.Locale;

/**
 * The hookable operations. Identity operations are keyed by provider id, so a studio's own provider
 * ({@code authenticate("ticket")}) has hooks exactly like the built-in ones.
 */
public final class Operations {
    public static final ApiOperation<AuthenticateRequest, SessionResult> AUTHENTICATE_DEVICE = authenticate("device");
    public static final ApiOperation<AuthenticateRequest, SessionResult> AUTHENTICATE_CUSTOM = authenticate("custom");
    public static final ApiOperation<AuthenticateRequest, SessionResult> AUTHENTICATE_EMAIL = authenticate("email");
    public static final ApiOperation<AuthenticateRequest, SessionResult> AUTHENTICATE_APPLE = authenticate("apple");
    public static final ApiOperation<AuthenticateRequest, SessionResult> AUTHENTICATE_GOOGLE = authenticate("google");
    public static final ApiOperation<AuthenticateRequest, SessionResult> AUTHENTICATE_FACEBOOK = authenticate("facebook");
    public static final ApiOperation<AuthenticateRequest, SessionResult> AUTHENTICATE_FACEBOOK_INSTANT_GAME = authenticate("facebookinstantgame");
    public static final ApiOperation<AuthenticateRequest, SessionResult> AUTHENTICATE_STEAM = authenticate("steam");
    public static final ApiOperation<AuthenticateRequest, SessionResult> AUTHENTICATE_GAMECENTER = authenticate("gamecenter");
    public static final ApiOperation<RefreshRequest, SessionResult> SESSION_REFRESH = new ApiOperation<>("session/refresh");
    public static final ApiOperation<LogoutRequest, Void> SESSION_LOGOUT = new ApiOperation<>("session/logout");
    public static final ApiOperation<AccountRequest, AccountView> ACCOUNT_GET = new ApiOperation<>("account/get");
    public static final ApiOperation<AccountUpdateRequest, Void> ACCOUNT_UPDATE = new ApiOperation<>("account/update");
    public static final ApiOperation<AccountRequest, Void> ACCOUNT_DELETE = new ApiOperation<>("account/delete");

    private Operations() {
    }

    public static ApiOperation<AuthenticateRequest, SessionResult> authenticate(String providerId) {
        return new ApiOperation<>("authenticate/" + providerId.toLowerCase(Locale.ROOT));
    }

    public static ApiOperation<IdentityRequest, Void> link(String providerId) {
        return new ApiOperation<>("link/" + providerId.toLowerCase(Locale.ROOT));
    }

    public static ApiOperation<IdentityRequest, Void> unlink(String providerId) {
        return new ApiOperation<>("unlink/" + providerId.toLowerCase(Locale.ROOT));
    }
}
