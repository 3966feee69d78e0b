package io.jselectors.protocol.http.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The client's TLS settings, made once per {@link FetchClient}: the trust decided by {@link
 * TlsTrust}, TLS 1.3 and 1.2 only, ALPN offering {@code http/1.1}, SNI with the URL's host name,
 * and host name verification ({@code HTTPS} endpoint identification, RFC 2818) unless insecure.
 * CA files are read when this is made, so a bad {@code --cacert} is reported before any fetch; the
 * JDK's trust store is loaded on the first https fetch only, so plain-http runs never pay for it.
 */
final class ClientTls {

    /** The versions offered: 1.0 and 1.1 are deprecated (RFC 8996). */
    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** The one application protocol this HTTP/1.1 client speaks (RFC 7301 registry name). */
    static final String[] ALPN = {"http/1.1"};

    private final TlsTrust trust;
    private final KeyStore caStore;
    private SSLContext context;

    /**
     * @throws IllegalArgumentException naming the CA file that cannot be read or holds no certificate
     */
    ClientTls(TlsTrust trust) {
        this.trust = trust;
        this.caStore = trust.caFiles().isEmpty() ? null : load(trust.caFiles());
    }

    /** A client engine for {@code host:port}, made in client mode with this client's parameters. */
    SSLEngine newEngine(String host, int port) throws GeneralSecurityException {
        SSLEngine engine = context().createSSLEngine(host, port);
        engine.setUseClientMode(true);
        SSLParameters params = engine.getSSLParameters();
        params.setProtocols(PROTOCOLS);
        params.setApplicationProtocols(ALPN);
        if (!trust.trustAnything()) {
            params.setEndpointIdentificationAlgorithm("HTTPS");
        }
        if (!isIpLiteral(host)) {
            // The JDK sends SNI on its own only for names with a dot; "localhost" needs it too.
            try {
                params.setServerNames(List.of(new SNIHostName(host)));
            } catch (IllegalArgumentException notAValidSniName) {
                // e.g. a trailing dot: send no SNI; the certificate check still uses the name.
            }
        }
        engine.setSSLParameters(params);
        return engine;
    }

    private SSLContext context() throws GeneralSecurityException {
        if (context == null) {
            TrustManager tm;
            if (trust.trustAnything()) {
                tm = CheckingTrustManager.trustingAnything();
            } else {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(caStore); // null: the JDK's cacerts
                tm = new CheckingTrustManager(jdkTrustManager(tmf));
            }
            SSLContext c = SSLContext.getInstance("TLS");
            c.init(null, new TrustManager[] {tm}, null);
            context = c;
        }
        return context;
    }

    private static X509ExtendedTrustManager jdkTrustManager(TrustManagerFactory tmf) {
        for (TrustManager tm : tmf.getTrustManagers()) {
            if (tm instanceof X509ExtendedTrustManager x) {
                return x;
            }
        }
        throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
    }

    /** Reads every certificate of every PEM file into a trust store. */
    private static KeyStore load(List<Path> files) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            CertificateFactory x509 = CertificateFactory.getInstance("X.509");
            int n = 0;
            for (Path file : files) {
                Collection<? extends Certificate> certs;
                try (InputStream in = Files.newInputStream(file)) {
                    certs = x509.generateCertificates(in);
                } catch (IOException e) {
                    throw new IllegalArgumentException("CA file " + file + ": cannot read it ("
                            + e.getClass().getSimpleName() + ")", e);
                } catch (CertificateException e) {
                    throw new IllegalArgumentException("CA file " + file + ": not PEM certificates ("
                            + oneLine(e.getMessage()) + ")", e);
                }
                if (certs.isEmpty()) {
                    throw new IllegalArgumentException("CA file " + file + ": no certificate in it");
                }
                for (Certificate cert : certs) {
                    store.setCertificateEntry("ca-" + n++, cert);
                }
            }
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make an in-memory trust store: " + e, e);
        }
    }

    static boolean isIpLiteral(String host) {
        try {
            java.net.InetAddress.ofLiteral(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code text} on one line: what a user sees is always one line. */
    static String oneLine(String text) {
        return text == null ? "" : text.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
