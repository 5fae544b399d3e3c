package io.guildhall.auth.gamecenter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertPathValidator;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Decides whether a fetched key certificate is Apple's: it must be within its validity period at
 * the server's clock and chain (PKIX) to a trusted CA: the JDK's trust store plus the certificates
 * of {@code trusted_ca_file}. Revocation is not checked: that would need OCSP or CRL calls to yet
 * another host during sign-in; the certificate comes only from the allowed key hosts and its
 * validity period is enforced.
 */
final class CertificateTrust {
    private final Set<TrustAnchor> anchors;

    private CertificateTrust(Set<TrustAnchor> anchors) {
        this.anchors = Set.copyOf(anchors);
    }

    /** The JDK's trust anchors plus every certificate in the PEM file (when a path is given). */
    static CertificateTrust load(String trustedCaFile) throws IOException, GeneralSecurityException {
        Set<TrustAnchor> anchors = new HashSet<>();
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init((KeyStore) null);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                for (X509Certificate ca : x509.getAcceptedIssuers()) {
                    anchors.add(new TrustAnchor(ca, null));
                }
            }
        }
        if (!trustedCaFile.isEmpty()) {
            List<X509Certificate> extra = readPem(Path.of(trustedCaFile));
            if (extra.isEmpty()) {
                throw new GeneralSecurityException("social.gamecenter.trusted_ca_file " + trustedCaFile + " holds no certificate");
            }
            extra.forEach(ca -> anchors.add(new TrustAnchor(ca, null)));
        }
        return new CertificateTrust(anchors);
    }

    private static List<X509Certificate> readPem(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast).toList();
        } catch (IOException | GeneralSecurityException e) {
            throw new GeneralSecurityException("social.gamecenter.trusted_ca_file " + file + " cannot be read as PEM certificates: " + e, e);
        }
    }

    /** Throws unless the certificate is valid at {@code now} and chains to a trusted CA. */
    void check(X509Certificate certificate, Instant now) throws GeneralSecurityException {
        Date at = Date.from(now);
        certificate.checkValidity(at);
        PKIXParameters parameters = new PKIXParameters(anchors);
        parameters.setRevocationEnabled(false);
        parameters.setDate(at);
        // Validators and factories are not thread-safe; getting new ones is a cheap provider lookup.
        List<Certificate> path = List.of(certificate);
        CertPathValidator.getInstance("PKIX").validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    }
}
