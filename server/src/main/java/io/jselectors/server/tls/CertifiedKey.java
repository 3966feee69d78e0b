package io.jselectors.server.tls;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * One certificate chain and its private key, with the DNS names the leaf certificate covers (from
 * its subjectAltName) for choosing it by SNI.
 *
 * @param source where it came from, for logs and metrics (a path, or {@code self-signed})
 * @param chain the chain, leaf first
 * @param key the leaf's private key
 */
public record CertifiedKey(String source, List<X509Certificate> chain, PrivateKey key) {

    /** subjectAltName's type number for a dNSName (RFC 5280, 4.2.1.6). */
    private static final int SAN_DNS = 2;

    public CertifiedKey {
        Objects.requireNonNull(source, "source");
        chain = List.copyOf(chain);
        Objects.requireNonNull(key, "key");
        if (chain.isEmpty()) {
            throw new IllegalArgumentException(source + ": empty certificate chain");
        }
        PublicKey pub = chain.getFirst().getPublicKey();
        if (!sameFamily(pub.getAlgorithm(), key.getAlgorithm())) {
            throw new IllegalArgumentException(source + ": the key is " + key.getAlgorithm()
                    + " but the certificate's is " + pub.getAlgorithm());
        }
    }

    /** The leaf certificate. */
    public X509Certificate leaf() {
        return chain.getFirst();
    }

    /** When the leaf certificate expires. */
    public Instant notAfter() {
        return leaf().getNotAfter().toInstant();
    }

    /** The key's algorithm as the JDK's key managers name it: {@code RSA}, {@code EC}, ... */
    public String keyType() {
        return key.getAlgorithm();
    }

    /** The DNS names in the leaf's subjectAltName, lower case; empty if it has none. */
    public List<String> dnsNames() {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> sans = leaf().getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (san.size() == 2 && san.get(0) instanceof Integer type && type == SAN_DNS) {
                        names.add(san.get(1).toString().toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            return List.of();
        }
        return names;
    }

    /** Whether the leaf covers {@code host} (exactly, or by a {@code *.} wildcard one label deep). */
    public boolean covers(String host) {
        return covers(dnsNames(), host.toLowerCase(Locale.ROOT));
    }

    /**
     * Whether {@code names} (a key's {@link #dnsNames()}) cover {@code h}, a lower-case host name:
     * {@link #covers(String)} for a caller that keeps the names, as the key manager does, rather
     * than read them from the certificate again per handshake.
     */
    static boolean covers(List<String> names, String h) {
        for (String name : names) {
            if (name.equals(h)) {
                return true;
            }
            if (name.startsWith("*.")) {
                int dot = h.indexOf('.');
                if (dot > 0 && h.substring(dot + 1).equals(name.substring(2))) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean sameFamily(String certAlgorithm, String keyAlgorithm) {
        return normalise(certAlgorithm).equals(normalise(keyAlgorithm));
    }

    private static String normalise(String algorithm) {
        return algorithm.equals("ECDSA") ? "EC" : algorithm;
    }

    @Override
    public String toString() {
        return source + " (" + leaf().getSubjectX500Principal().getName() + ", not after " + notAfter() + ")";
    }
}
