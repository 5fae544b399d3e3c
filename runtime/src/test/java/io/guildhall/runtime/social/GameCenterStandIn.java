package io.guildhall.runtime.social;

import io.guildhall.runtime.testing.PlatformStandIn;
import io.guildhall.runtime.testing.PlatformStandIn.Reply;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A stand-in for Apple's Game Center key host on 127.0.0.1: a test CA (written as the server's
 * {@code trusted_ca_file}), a key certificate issued by it and served DER-encoded at
 * {@link #KEY_PATH}, and signed credentials as GameKit's identity-verification call returns them
 * (timestamp in milliseconds). Start the server with {@link #flags()}.
 */
public final class GameCenterStandIn implements AutoCloseable {
    public static final String KEY_PATH = "/public-key/gc-prod-test.cer";
    public static final String BUNDLE_ID = "io.guildhall.test";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final PlatformStandIn platform = PlatformStandIn.start();
    private final KeyPair caKeys = rsaKeys();
    private final X509Certificate ca;
    private final KeyPair signerKeys = rsaKeys();
    private final Path trustedCaFile;

    /** Certificates valid around {@code now}; the CA's PEM is written into {@code dir}. */
    public GameCenterStandIn(Path dir, Instant now) {
        ca = certificate("CN=Guildhall Test CA", caKeys, "CN=Guildhall Test CA", caKeys.getPrivate(),
                now.minus(Duration.ofDays(365)), now.plus(Duration.ofDays(3650)), true);
        serve(KEY_PATH, issue(signerKeys, now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(365))));
        try {
            trustedCaFile = Files.writeString(Files.createTempFile(dir, "gamecenter-ca", ".pem"), pem(ca));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The flags that point a server's {@code social.gamecenter} section at this stand-in. */
    public String[] flags() {
        return new String[]{
                "--social.gamecenter.bundle_ids=" + BUNDLE_ID,
                "--social.gamecenter.allowed_key_hosts=127.0.0.1",
                "--social.gamecenter.require_https=false",
                "--social.gamecenter.trusted_ca_file=" + trustedCaFile};
    }

    public Path trustedCaFile() {
        return trustedCaFile;
    }

    /** The URL of the served key certificate. */
    public String keyUrl() {
        return platform.url(KEY_PATH);
    }

    /** Credentials for {@link #BUNDLE_ID} signed with the served certificate's key. */
    public Map<String, Object> credentials(String playerId, long timestampMillis) {
        return credentials(playerId, BUNDLE_ID, timestampMillis);
    }

    /** Credentials for any bundle id, signed with the served certificate's key. */
    public Map<String, Object> credentials(String playerId, String bundleId, long timestampMillis) {
        return credentials(playerId, bundleId, timestampMillis, keyUrl(), signerKeys.getPrivate());
    }

    /** An AccountGameCenter message signed by {@code signer}, with a fresh random salt. */
    public static Map<String, Object> credentials(String playerId, String bundleId, long timestamp, String keyUrl,
                                                  PrivateKey signer) {
        byte[] salt = new byte[8];
        RANDOM.nextBytes(salt);
        byte[] player = playerId.getBytes(StandardCharsets.UTF_8);
        byte[] bundle = bundleId.getBytes(StandardCharsets.UTF_8);
        byte[] payload = ByteBuffer.allocate(player.length + bundle.length + 8 + salt.length)
                .put(player).put(bundle).putLong(timestamp).put(salt).array();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("bundle_id", bundleId);
        message.put("player_id", playerId);
        message.put("public_key_url", keyUrl);
        message.put("salt", Base64.getEncoder().encodeToString(salt));
        message.put("signature", Base64.getEncoder().encodeToString(sign(signer, payload)));
        message.put("timestamp_seconds", timestamp);
        return message;
    }

    /** A random team-scoped player id, as GameKit's {@code teamPlayerID}. */
    public static String newPlayerId() {
        return "T:_" + Long.toHexString(RANDOM.nextLong()) + Long.toHexString(RANDOM.nextLong());
    }

    /** Serves {@code certificate} DER-encoded at {@code path}; returns its URL. */
    public String serve(String path, X509Certificate certificate) {
        try {
            platform.route(path, Reply.bytes(certificate.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return platform.url(path);
    }

    /** Serves {@code certificate} PEM-encoded at {@code path}; returns its URL. */
    public String servePem(String path, X509Certificate certificate) {
        platform.route(path, new Reply(200, Map.of("Content-Type", "application/x-pem-file"),
                pem(certificate).getBytes(StandardCharsets.US_ASCII)));
        return platform.url(path);
    }

    /** A key certificate for {@code subject} issued by the test CA. */
    public X509Certificate issue(KeyPair subject, Instant notBefore, Instant notAfter) {
        return certificate("CN=Game Center test key", subject, "CN=Guildhall Test CA", caKeys.getPrivate(),
                notBefore, notAfter, false);
    }

    /** A certificate that signs itself (no CA vouches for it). */
    public static X509Certificate selfSigned(KeyPair keys, Instant notBefore, Instant notAfter) {
        return certificate("CN=Game Center test key", keys, "CN=Game Center test key", keys.getPrivate(),
                notBefore, notAfter, false);
    }

    public static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public PlatformStandIn platform() {
        return platform;
    }

    private static X509Certificate certificate(String subject, KeyPair subjectKeys, String issuer, PrivateKey issuerKey,
                                               Instant notBefore, Instant notAfter, boolean isCa) {
        try {
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(new X500Name(issuer),
                    new BigInteger(64, RANDOM), Date.from(notBefore), Date.from(notAfter), new X500Name(subject),
                    subjectKeys.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(isCa));
            builder.addExtension(Extension.keyUsage, true,
                    new KeyUsage(isCa ? KeyUsage.keyCertSign | KeyUsage.cRLSign : KeyUsage.digitalSignature));
            return new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sign(PrivateKey key, byte[] payload) {
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(key);
            signature.update(payload);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(X509Certificate certificate) {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate.getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        platform.close();
    }
}
