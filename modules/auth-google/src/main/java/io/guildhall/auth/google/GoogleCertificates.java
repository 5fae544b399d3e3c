package io.guildhall.auth.google;

import io.guildhall.spi.KeySets;
import io.guildhall.spi.OutboundHttp;
import org.jose4j.json.JsonUtil;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Google's certificate map ({@code {"kid": "-----BEGIN CERTIFICATE-----..."}}), read into RSA public
 * keys by key id. Certificates that do not parse, are not yet valid, or end within the hour are
 * skipped; the keys are not used past the earliest remaining end minus an hour, so a certificate is
 * never trusted after it expires even if the map's cache headers say otherwise.
 */
final class GoogleCertificates implements KeySets.Parser<PublicKey> {
    static final Duration MARGIN = Duration.ofHours(1);

    private final Clock clock;

    /** Create one per provider and keep it: the shared cache is keyed by source and parser. */
    GoogleCertificates(Clock clock) {
        this.clock = clock;
    }

    @Override
    public KeySets.Parsed<PublicKey> parse(OutboundHttp.Response response) throws Exception {
        Map<String, Object> map = JsonUtil.parseJson(response.text());
        CertificateFactory x509 = CertificateFactory.getInstance("X.509");
        Instant now = clock.instant();
        Map<String, PublicKey> keys = new HashMap<>();
        Instant earliestEnd = null;
        for (Map.Entry<String, Object> entry : map.entrySet()) {
            if (!(entry.getValue() instanceof String pem)) {
                continue;
            }
            X509Certificate certificate;
            try {
                certificate = (X509Certificate) x509.generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
            } catch (CertificateException | RuntimeException unreadable) {
                continue;
            }
            Instant end = certificate.getNotAfter().toInstant().minus(MARGIN);
            if (certificate.getNotBefore().toInstant().isAfter(now) || !end.isAfter(now)
                    || !(certificate.getPublicKey() instanceof RSAPublicKey)) {
                continue;
            }
            keys.put(entry.getKey(), certificate.getPublicKey());
            earliestEnd = earliestEnd == null || end.isBefore(earliestEnd) ? end : earliestEnd;
        }
        if (keys.isEmpty()) {
            throw new CertificateException("no currently valid RSA certificate in the map");
        }
        return new KeySets.Parsed<>(keys, earliestEnd);
    }
}
