package io.jselectors.protocol.http.client;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks a server's certificate chain with the JDK's trust manager, one question at a time, so a
 * failure says which question failed: is the certificate in its validity period, does it chain to
 * a trusted CA, is it for the host the URL names. The JDK answers all three at once with messages
 * like "PKIX path building failed: ...SunCertPathBuilderException: unable to find valid
 * certification path to requested target"; what a user needs is "signed by an unknown CA".
 *
 * <p>A failure is thrown as a {@link Rejected}, which the engine wraps in its handshake exception;
 * {@link TlsChannel} finds it there and prints its one line.
 */
final class CheckingTrustManager extends X509ExtendedTrustManager {

    /** A certificate refused, with the reason for people in one line. */
    static final class Rejected extends CertificateException {
        Rejected(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    private final X509ExtendedTrustManager jdk;

    CheckingTrustManager(X509ExtendedTrustManager jdk) {
        this.jdk = jdk;
    }

    /** Accepts every chain: {@link TlsTrust#insecure()}. */
    static X509ExtendedTrustManager trustingAnything() {
        return new CheckingTrustManager(null);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        if (jdk == null) {
            return;
        }
        X509Certificate leaf = chain[0];
        try {
            leaf.checkValidity();
        } catch (CertificateExpiredException e) {
            throw new Rejected("the certificate expired on " + leaf.getNotAfter().toInstant() + " (" + subject(leaf) + ")", e);
        } catch (CertificateNotYetValidException e) {
            throw new Rejected("the certificate is not valid before " + leaf.getNotBefore().toInstant() + " (" + subject(leaf)
                    + ")", e);
        }
        try {
            jdk.checkServerTrusted(chain, authType); // the chain only: no host name check
        } catch (CertificateException e) {
            throw new Rejected(untrusted(chain, e), e);
        }
        try {
            jdk.checkServerTrusted(chain, authType, engine); // now with the host name (and the engine's constraints)
        } catch (CertificateException e) {
            String why = ClientTls.oneLine(e.getMessage());
            if (!why.startsWith("No name matching") && !why.startsWith("No subject alternative")) {
                throw new Rejected("the certificate is not accepted: " + why, e); // e.g. a disabled signature algorithm
            }
            throw new Rejected("the certificate is not for " + engine.getPeerHost() + " (it names "
                    + String.join(", ", names(leaf)) + "): " + why, e);
        }
    }

    private static String untrusted(X509Certificate[] chain, CertificateException e) {
        X509Certificate last = chain[chain.length - 1];
        String why = ClientTls.oneLine(rootMessage(e));
        if (why.contains("unable to find valid certification path")) {
            boolean selfSigned = last.getSubjectX500Principal().equals(last.getIssuerX500Principal());
            if (selfSigned && chain.length == 1) {
                return "self-signed certificate not trusted (" + subject(last) + "; give it as a CA file to trust it)";
            }
            // The server sent its CA (self-signed root) too, or stopped below the CA that signed its chain.
            return "signed by an unknown CA (" + (selfSigned ? subject(last) : last.getIssuerX500Principal().getName()) + ")";
        }
        return "the certificate is not trusted: " + why;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? e.getMessage() : t.getMessage();
    }

    private static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    /** The subject alternative names (DNS and IP), or the subject when there are none. */
    private static List<String> names(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            if (c.getSubjectAlternativeNames() != null) {
                for (List<?> san : c.getSubjectAlternativeNames()) {
                    Object type = san.get(0);
                    if (Integer.valueOf(2).equals(type) || Integer.valueOf(7).equals(type)) { // dNSName, iPAddress
                        out.add(String.valueOf(san.get(1)));
                    }
                }
            }
        } catch (CertificateParsingException ignored) {
            // Fall back to the subject below.
        }
        return out.isEmpty() ? List.of(subject(c)) : out;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("this client uses SSLEngine only");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("this client uses SSLEngine only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("a client does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("a client does not check client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("a client does not check client certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return jdk == null ? new X509Certificate[0] : jdk.getAcceptedIssuers();
    }
}
