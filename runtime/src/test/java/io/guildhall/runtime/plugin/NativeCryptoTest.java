package io.guildhall.runtime.plugin;

import io.guildhall.spi.Crypto;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server's signature checks give the JDK's answers, natively where the platform allows. */
class NativeCryptoTest {
    private static final byte[] MESSAGE = "header.payload".getBytes(StandardCharsets.US_ASCII);

    @Test
    void theNativeProviderLoadsOnLinuxX86AndCanBeTurnedOff() {
        boolean supported = System.getProperty("os.name").equals("Linux")
                && (System.getProperty("os.arch").equals("amd64") || System.getProperty("os.arch").equals("x86_64"));
        Crypto loaded = NativeCrypto.load(true);
        assertTrue(loaded instanceof NativeCrypto == supported, "native on Linux x86-64 only, got " + loaded);
        assertSame(Crypto.jdk(), NativeCrypto.load(false));
    }

    @Test
    void loadingInTheBackgroundGivesTheSameCryptoToItsFirstCaller() throws Exception {
        Crypto background = NativeCrypto.loadInBackground(true);
        assertTrue(background instanceof NativeCrypto.Loading, "start-up does not wait for the library");
        assertSame(NativeCrypto.load(true).getClass(), ((NativeCrypto.Loading) background).loaded().getClass());
        KeyPair[] pairs = rsa();
        byte[] signature = sign(pairs[0], "SHA256withRSA", MESSAGE);
        assertTrue(verify(background, "SHA256withRSA", background.publicKey(pairs[0].getPublic()), MESSAGE, signature));
        assertSame(Crypto.jdk(), NativeCrypto.loadInBackground(false), "off: the JDK's at once, no thread");
    }

    @Test
    void nativeAndJdkChecksAgreeOnRsaAndEcSignatures() throws Exception {
        check(rsa(), "SHA256withRSA");
        check(ec(), "SHA256withECDSA");
    }

    @Test
    void aKeySharedBetweenVerifiersOutlivesTheirMovingOnToOtherKeys() throws Exception {
        KeyPair[] pairs = rsa();
        byte[] signature = sign(pairs[0], "SHA256withRSA", MESSAGE);
        Crypto crypto = NativeCrypto.load(true);
        PublicKey shared = crypto.publicKey(pairs[0].getPublic());
        Signature reused = crypto.signature("SHA256withRSA");
        reused.initVerify(shared);
        reused.update(MESSAGE);
        assertTrue(reused.verify(signature));
        // re-initialised with another key: the native provider releases the key it held if it
        // thinks that key its own temporary, which a shared key must not be
        reused.initVerify(crypto.publicKey(pairs[1].getPublic()));
        assertTrue(verify(crypto, "SHA256withRSA", shared, MESSAGE, signature));
    }

    private static void check(KeyPair[] pairs, String algorithm) throws Exception {
        byte[] signature = sign(pairs[0], algorithm, MESSAGE);
        byte[] tampered = MESSAGE.clone();
        tampered[0] ^= 1;
        for (Crypto crypto : new Crypto[]{NativeCrypto.load(true), Crypto.jdk()}) {
            PublicKey key = crypto.publicKey(pairs[0].getPublic());
            PublicKey other = crypto.publicKey(pairs[1].getPublic());
            if (crypto != Crypto.jdk()) {
                assertNotSame(pairs[0].getPublic(), key, "the key is translated for the native provider");
                assertTrue(crypto.signature(algorithm).getProvider().getName().contains("Corretto"), "checked natively");
            }
            assertTrue(verify(crypto, algorithm, key, MESSAGE, signature), algorithm + " by " + crypto);
            assertFalse(verify(crypto, algorithm, key, tampered, signature), "tampered message, " + crypto);
            assertFalse(verify(crypto, algorithm, other, MESSAGE, signature), "another key, " + crypto);
            // a key that was not translated still verifies (only more slowly)
            assertTrue(verify(crypto, algorithm, pairs[0].getPublic(), MESSAGE, signature), "untranslated key, " + crypto);
        }
    }

    private static boolean verify(Crypto crypto, String algorithm, PublicKey key, byte[] message, byte[] signature) throws Exception {
        Signature verifier = crypto.signature(algorithm);
        verifier.initVerify(key);
        verifier.update(message);
        try {
            return verifier.verify(signature);
        } catch (java.security.SignatureException malformed) {
            return false;
        }
    }

    private static byte[] sign(KeyPair pair, String algorithm, byte[] message) throws Exception {
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(pair.getPrivate());
        signer.update(message);
        return signer.sign();
    }

    private static KeyPair[] rsa() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return new KeyPair[]{generator.generateKeyPair(), generator.generateKeyPair()};
    }

    private static KeyPair[] ec() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return new KeyPair[]{generator.generateKeyPair(), generator.generateKeyPair()};
    }
}
