package io.guildhall.auth.gamecenter;

import io.guildhall.spi.ApiException;
import io.guildhall.spi.Crypto;
import io.guildhall.spi.IdentityProvider;
import io.guildhall.spi.IdentitySlot;
import io.guildhall.spi.Identifiers;
import io.guildhall.spi.KeySets;
import io.guildhall.spi.Operation;
import io.guildhall.spi.PluginConfig;
import io.guildhall.spi.Proof;
import io.guildhall.spi.ProviderContext;
import io.guildhall.spi.ProviderRequest;
import io.guildhall.spi.RequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Apple Game Center: the client passes on what GameKit's identity-verification call returned, and
 * the server checks Apple's RSA signature over player id, bundle id, timestamp and salt with the
 * certificate published at {@code public_key_url}. Unlike Nakama, the URL's host must be on an
 * allow-list, the certificate must be valid and chain to a trusted CA, the timestamp must be
 * recent and the bundle id one of the studio's.
 */
public final class GameCenterProvider implements IdentityProvider {
    private static final Logger LOG = LoggerFactory.getLogger(GameCenterProvider.class);

    static final String FAILED = "Could not authenticate GameCenter profile.";
    static final String DEFAULT_KEY_HOST = "static.gc.apple.com";
    static final long DEFAULT_MAX_AGE_SEC = 300;
    static final long LONGEST_MAX_AGE_SEC = 86_400;

    // Bounds on what a client may send; Apple's values are far smaller.
    private static final int MAX_ID_BYTES = 256;
    private static final int MAX_SALT_BYTES = 256;
    private static final int MAX_SIGNATURE_BYTES = 1024;

    /** The key-set cache keeps one entry per URL: the certificate, under this key. */
    private static final String CERTIFICATE_KEY = "certificate";
    /** A key URL answers one X.509 certificate, DER (as Apple serves it) or PEM. */
    private static final KeySets.Parser<X509Certificate> CERTIFICATE = response -> {
        X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(response.body()));
        return new KeySets.Parsed<>(Map.of(CERTIFICATE_KEY, certificate), certificate.getNotAfter().toInstant());
    };

    private KeySets keySets;
    private Clock clock;
    private Crypto crypto = Crypto.jdk();
    private Set<String> bundleIds = Set.of();
    private KeyUrlRule keyUrls;
    private long maxAgeMillis;
    private CertificateTrust trust;
    private String problem;

    @Override
    public String id() {
        return "gamecenter";
    }

    @Override
    public IdentitySlot slot() {
        return IdentitySlot.GAMECENTER;
    }

    @Override
    public String configSection() {
        return "social.gamecenter";
    }

    @Override
    public void init(ProviderContext context) throws IOException, GeneralSecurityException {
        PluginConfig config = context.config();
        keySets = context.keySets();
        clock = context.clock();
        crypto = context.crypto();
        bundleIds = Set.copyOf(config.list("bundle_ids"));
        List<String> hosts = Arrays.stream(config.string("allowed_key_hosts", DEFAULT_KEY_HOST).split(","))
                .map(String::trim).filter(h -> !h.isEmpty()).toList();
        keyUrls = new KeyUrlRule(Set.copyOf(hosts), config.bool("require_https", true));
        long maxAgeSec = config.number("max_age_sec", DEFAULT_MAX_AGE_SEC);
        if (maxAgeSec < 1 || maxAgeSec > LONGEST_MAX_AGE_SEC) {
            throw new IllegalArgumentException("social.gamecenter.max_age_sec must be between 1 and " + LONGEST_MAX_AGE_SEC
                    + ", got " + maxAgeSec);
        }
        maxAgeMillis = maxAgeSec * 1000;
        trust = CertificateTrust.load(config.string("trusted_ca_file", "").trim());
        problem = hosts.isEmpty() ? "social.gamecenter.allowed_key_hosts is empty" : null;
    }

    @Override
    public String configurationProblem() {
        return problem;
    }

    @Override
    public Proof prove(ProviderRequest request) {
        RequestBody body = request.body();
        // Only authenticate has a message for a missing account; link starts with the bundle id.
        if (request.operation() == Operation.AUTHENTICATE && Credentials.absent(body)) {
            throw ApiException.invalid("GameCenter access credentials are required.");
        }
        Credentials credentials = Credentials.read(body);
        credentials.requireAll();
        return Proof.of(verify(credentials));
    }

    /** Verifies only when all six fields are given (spec §8.2); otherwise unlinks whatever is held. */
    @Override
    public String unlinkSubject(ProviderRequest request) {
        Credentials credentials = Credentials.read(request.body());
        return credentials.complete() ? verify(credentials) : null;
    }

    @Override
    public String alreadyInUseMessage() {
        return "GameCenter ID is already in use.";
    }

    /** The player id the credentials prove, or a 16. */
    private String verify(Credentials credentials) {
        try {
            check(credentials);
            return credentials.playerId();
        } catch (Refused e) {
            LOG.debug("GameCenter credentials refused: {}", e.getMessage());
            throw ApiException.unauthenticated(FAILED);
        }
    }

    private void check(Credentials c) throws Refused {
        if (Identifiers.utf8Length(c.playerId()) > MAX_ID_BYTES || Identifiers.utf8Length(c.bundleId()) > MAX_ID_BYTES) {
            throw new Refused("player or bundle id longer than " + MAX_ID_BYTES + " bytes");
        }
        byte[] salt = base64(c.salt(), "salt", MAX_SALT_BYTES);
        byte[] signature = base64(c.signature(), "signature", MAX_SIGNATURE_BYTES);
        if (!bundleIds.isEmpty() && !bundleIds.contains(c.bundleId())) {
            throw new Refused("bundle id is not in social.gamecenter.bundle_ids");
        }
        checkFresh(c.timestamp());
        URI keyUrl = keyUrls.check(c.publicKeyUrl());
        X509Certificate certificate = certificate(keyUrl);
        try {
            trust.check(certificate, clock.instant());
        } catch (GeneralSecurityException e) {
            throw new Refused("certificate from " + keyUrl.getHost() + " is not trusted: " + e.getMessage());
        }
        if (!signatureValid(certificate, Credentials.signedPayload(c.playerId(), c.bundleId(), c.timestamp(), salt), signature)) {
            throw new Refused("signature does not verify");
        }
    }

    /**
     * GameKit's timestamp is milliseconds since the epoch, whatever the field's name says; it must
     * lie within the window on either side of the server's clock (the future side absorbs clock
     * skew between the device and the server).
     */
    private void checkFresh(long timestampMillis) throws Refused {
        long age = clock.millis() - timestampMillis;
        if (timestampMillis < 0 || Math.abs(age) > maxAgeMillis) {
            throw new Refused("timestamp is " + age + " ms from the server's clock, outside the window of " + maxAgeMillis + " ms");
        }
    }

    private X509Certificate certificate(URI keyUrl) throws Refused {
        try {
            X509Certificate certificate = keySets.keys(keyUrl, CERTIFICATE).get(CERTIFICATE_KEY);
            if (certificate == null) {
                throw new Refused("no certificate at " + keyUrl.getHost());
            }
            return certificate;
        } catch (IOException e) {
            throw new Refused("key certificate unavailable: " + e.getMessage());
        }
    }

    private boolean signatureValid(X509Certificate certificate, byte[] payload, byte[] signature) throws Refused {
        try {
            Signature verifier = crypto.signature("SHA256withRSA");
            verifier.initVerify(certificate);
            verifier.update(payload);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            // A key that is not RSA, or a signature of the wrong length.
            throw new Refused("signature cannot be checked: " + e.getMessage());
        }
    }

    private static byte[] base64(String value, String name, int maxBytes) throws Refused {
        if (value.length() > (maxBytes + 2) / 3 * 4) {
            throw new Refused(name + " is longer than " + maxBytes + " bytes");
        }
        try {
            return Base64.getDecoder().decode(value);
        } catch (IllegalArgumentException e) {
            throw new Refused(name + " is not base64");
        }
    }
}
