package io.guildhall.spi;

import java.security.GeneralSecurityException;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;

/**
 * The server's signature checks for sign-in paths. On platforms where it loads (and unless
 * {@code plugins.native_crypto} is off) they run in a native provider, about twice as fast as the
 * JDK's own for RSA; elsewhere they are the JDK's. Either way the algorithms and their results are
 * the same: only the speed differs.
 */
public interface Crypto {
    /** A new, uninitialised verifier for a JCA algorithm name such as {@code SHA256withRSA}. */
    Signature signature(String algorithm) throws NoSuchAlgorithmException;

    /**
     * The key in the form {@link #signature} checks fastest. Costly: call it once where keys are
     * parsed (for example in a {@link KeySets.Parser}), not once per check.
     */
    PublicKey publicKey(PublicKey key) throws GeneralSecurityException;

    /** The JDK's own checks (the server's fallback; also handy in a plugin's unit tests). */
    static Crypto jdk() {
        return JdkCrypto.INSTANCE;
    }
}

/** {@link Crypto#jdk()}: the JDK's default providers, keys as they are. */
enum JdkCrypto implements Crypto {
    INSTANCE;

    @Override
    public Signature signature(String algorithm) throws NoSuchAlgorithmException {
        return Signature.getInstance(algorithm);
    }

    @Override
    public PublicKey publicKey(PublicKey key) {
        return key;
    }
}
