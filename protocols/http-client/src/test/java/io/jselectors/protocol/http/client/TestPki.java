package io.jselectors.protocol.http.client;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test certificate authority made with bcpkix: it issues server certificates for chosen names
 * and validity periods (so expired and wrong-host certificates are one call each) and writes PEM.
 */
final class TestPki {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** A key and its chain (leaf first). */
    record Issued(PrivateKey key, X509Certificate... chain) {

        /** A server SSLContext presenting this certificate. */
        SSLContext serverContext() throws Exception {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("server", key, new char[0], chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, new char[0]);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            return ctx;
        }

        /** Writes the leaf certificate (PEM) to {@code file}. */
        Path certPem(Path file) throws IOException {
            return pem(file, chain[0]);
        }

        /** Writes the private key (PEM) to {@code file}. */
        Path keyPem(Path file) throws IOException {
            return pem(file, key);
        }
    }

    private final KeyPair caKey;
    private final X509Certificate caCert;

    private TestPki(KeyPair caKey, X509Certificate caCert) {
        this.caKey = caKey;
        this.caCert = caCert;
    }

    /** A new CA named {@code CN=<name>}, valid for a day around now. */
    static TestPki create(String name) throws Exception {
        KeyPair key = ecKey();
        X500Name subject = new X500Name("CN=" + name);
        Instant now = Instant.now();
        var b = new JcaX509v3CertificateBuilder(subject, serial(), Date.from(now.minusSeconds(3600)),
                Date.from(now.plusSeconds(86_400)), subject, key.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new TestPki(key, sign(b, key));
    }

    /** The CA certificate. */
    X509Certificate caCert() {
        return caCert;
    }

    /** Writes the CA certificate (PEM) to {@code file}. */
    Path caPem(Path file) throws IOException {
        return pem(file, caCert);
    }

    /** A server certificate for {@code hosts} (DNS names or IP literals), valid from {@code notBefore} to {@code notAfter}. */
    Issued issue(Instant notBefore, Instant notAfter, String... hosts) throws Exception {
        KeyPair key = ecKey();
        var b = new JcaX509v3CertificateBuilder(new X500Name(caCert.getSubjectX500Principal().getName()), serial(),
                Date.from(notBefore), Date.from(notAfter), new X500Name("CN=" + hosts[0]), key.getPublic());
        GeneralName[] sans = new GeneralName[hosts.length];
        for (int i = 0; i < hosts.length; i++) {
            boolean ip = Character.isDigit(hosts[i].charAt(0)) || hosts[i].contains(":");
            sans[i] = ip ? new GeneralName(GeneralName.iPAddress, InetAddress.ofLiteral(hosts[i]).getHostAddress())
                    : new GeneralName(GeneralName.dNSName, hosts[i]);
        }
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        return new Issued(key.getPrivate(), sign(b, caKey), caCert);
    }

    /** A server certificate for {@code hosts}, valid for a day around now. */
    Issued issue(String... hosts) throws Exception {
        Instant now = Instant.now();
        return issue(now.minusSeconds(3600), now.plusSeconds(86_400), hosts);
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        return gen.generateKeyPair();
    }

    private static BigInteger serial() {
        return BigInteger.valueOf(SERIAL.incrementAndGet());
    }

    private static Path pem(Path file, Object item) throws IOException {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.US_ASCII); JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(item);
        }
        return file;
    }
}
