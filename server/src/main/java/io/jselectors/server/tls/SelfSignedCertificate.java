package io.jselectors.server.tls;

import io.jselectors.connection.tls.DevelopmentCertificate;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;

/**
 * A self-signed development certificate (ECDSA P-256), for {@code jselectors cert} and {@code
 * serve --tls-self-signed}: {@link DevelopmentCertificate} makes it, this class gives it the
 * server's shape and writes it as PEM files. Not for production: no client trusts it unless told to.
 */
public final class SelfSignedCertificate {

    /** How long a development certificate lasts: long enough not to bother, short enough to notice. */
    public static final Duration VALIDITY = DevelopmentCertificate.VALIDITY;
    /** Names used when none are given: what a developer's client calls the local machine. */
    public static final List<String> DEFAULT_HOSTS = DevelopmentCertificate.DEFAULT_HOSTS;

    private SelfSignedCertificate() {}

    /** Makes a key pair and a certificate for {@code hosts} (DNS names or IP literals), valid from now. */
    public static CertifiedKey generate(List<String> hosts, Instant now) throws GeneralSecurityException {
        KeyStore.PrivateKeyEntry made = DevelopmentCertificate.generate(hosts, now);
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : made.getCertificateChain()) {
            chain.add((X509Certificate) c);
        }
        return new CertifiedKey("self-signed", chain, made.getPrivateKey());
    }

    /**
     * Writes {@code cert.pem} and {@code key.pem} (PKCS#8, readable by the owner only where the
     * file system allows) into {@code dir}, creating it; returns the two paths.
     */
    public static List<Path> write(CertifiedKey key, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path cert = dir.resolve("cert.pem");
        Path priv = dir.resolve("key.pem");
        writePem(cert, key.chain().toArray());
        Files.deleteIfExists(priv);
        try {
            Files.createFile(priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(priv); // not a POSIX file system: the platform's default permissions
        }
        writePem(priv, new JcaPKCS8Generator(key.key(), null).generate());
        return List.of(cert, priv);
    }

    private static void writePem(Path file, Object... items) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII); JcaPEMWriter pem = new JcaPEMWriter(out)) {
            for (Object item : items) {
                pem.writeObject(item);
            }
        }
    }
}
