package io.guildhall.runtime.plugin;

import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import io.guildhall.spi.Crypto;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.concurrent.CompletableFuture;

/**
 * Signature checks in the Amazon Corretto Crypto Provider (AWS-LC, native). The JDK 17 RSA
 * verification converts every input into Montgomery form with a long division and costs about
 * twice AWS-LC's (30 us against 16 us for RSA-2048 here); on an RS256 sign-in that is most of the
 * server's work. The provider is used only through this class: it is not installed in the JVM's
 * provider list, so nothing else in the process changes. Algorithms it lacks fall back to the JDK.
 */
public final class NativeCrypto implements Crypto {
    private static final Logger LOG = LoggerFactory.getLogger(NativeCrypto.class);

    private final Provider provider;

    private NativeCrypto(Provider provider) {
        this.provider = provider;
    }

    /** The native provider when {@code enabled} and it loads and passes its self-tests here, else the JDK's. */
    public static Crypto load(boolean enabled) {
        if (!enabled) {
            LOG.info("Signature checks use the JDK (plugins.native_crypto is off)");
            return Crypto.jdk();
        }
        try {
            AmazonCorrettoCryptoProvider accp = AmazonCorrettoCryptoProvider.INSTANCE;
            if (accp.getLoadingError() != null) {
                LOG.info("Signature checks use the JDK: the native provider does not load on this platform ({})",
                        accp.getLoadingError().toString());
                return Crypto.jdk();
            }
            accp.assertHealthy();
            LOG.info("Signature checks use the native Amazon Corretto Crypto Provider {}", accp.getVersionStr());
            return new NativeCrypto(accp);
        } catch (RuntimeException | LinkageError e) {
            LOG.warn("Signature checks use the JDK: the native provider failed its self-tests ({})", e.toString());
            return Crypto.jdk();
        }
    }

    /**
     * {@link #load} on a thread of its own: start-up does not wait for the native library and its
     * self-tests (about 0.4 s of a 1.6 s start here). A check that comes before they finish waits
     * for them; with the provider off, this is the JDK's at once.
     */
    public static Crypto loadInBackground(boolean enabled) {
        if (!enabled) {
            return load(false);
        }
        CompletableFuture<Crypto> loading = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                loading.complete(load(true));
            } catch (Throwable unexpected) {
                LOG.warn("Signature checks use the JDK: loading the native provider failed ({})", unexpected.toString());
                loading.complete(Crypto.jdk());
            }
        }, "native-crypto-load");
        thread.setDaemon(true);
        thread.start();
        return new Loading(loading);
    }

    /** The crypto {@link #loadInBackground} is still loading: each call waits for it, once. */
    record Loading(CompletableFuture<Crypto> loading) implements Crypto {
        Crypto loaded() {
            return loading.join();
        }

        @Override
        public Signature signature(String algorithm) throws NoSuchAlgorithmException {
            return loaded().signature(algorithm);
        }

        @Override
        public PublicKey publicKey(PublicKey key) throws GeneralSecurityException {
            return loaded().publicKey(key);
        }
    }

    @Override
    public Signature signature(String algorithm) throws NoSuchAlgorithmException {
        try {
            return Signature.getInstance(algorithm, provider);
        } catch (NoSuchAlgorithmException notNative) {
            return Signature.getInstance(algorithm);
        }
    }

    /**
     * Re-made from its encoding as a key of the provider's own. Not {@code translateKey}: the
     * provider marks translated keys as its own temporaries and frees them when a verifier moves on
     * to another key, which breaks a key shared between threads.
     */
    @Override
    public PublicKey publicKey(PublicKey key) throws GeneralSecurityException {
        if (provider.getService("KeyFactory", key.getAlgorithm()) == null || !"X.509".equals(key.getFormat())) {
            return key;
        }
        return KeyFactory.getInstance(key.getAlgorithm(), provider).generatePublic(new X509EncodedKeySpec(key.getEncoded()));
    }
}
