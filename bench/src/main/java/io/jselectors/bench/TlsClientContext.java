package io.jselectors.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The load generators' TLS client side: the JDK's own provider, TLS 1.3 and 1.2, trusting exactly
 * the certificates of one PEM file (the servers' development certificate). Hostnames are not
 * checked: the generators only talk to 127.0.0.1, and the certificate is pinned instead.
 */
final class TlsClientContext {

    private TlsClientContext() {
    }

    /**
     * An {@link SSLContext} whose trust store holds every certificate in {@code pem}.
     *
     * @throws IOException if the file cannot be read or holds no certificate
     */
    static SSLContext trusting(Path pem) throws IOException {
        try (InputStream in = Files.newInputStream(pem)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("cert-" + n++, c);
            }
            if (n == 0) {
                throw new IOException("no certificate in " + pem);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + pem + " as a trust store: " + e.getMessage(), e);
        }
    }
}
