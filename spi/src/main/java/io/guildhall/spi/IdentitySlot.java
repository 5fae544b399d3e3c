package io.guildhall.spi;

/**
 * Where a provider's identities appear on the Nakama account, and how many an account may hold.
 * A studio's own provider uses {@link #NONE}: its identities work but are not shown on the account.
 */
public enum IdentitySlot {
    DEVICE(true), CUSTOM(false), EMAIL(false), APPLE(false), GOOGLE(false), FACEBOOK(false),
    FACEBOOK_INSTANT_GAME(false), STEAM(false), GAMECENTER(false), NONE(false);

    private final boolean many;

    IdentitySlot(boolean many) {
        this.many = many;
    }

    /** True when an account may hold several identities of this provider (devices). */
    public boolean many() {
        return many;
    }
}
