package io.jselectors.connection.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed development certificate (ECDSA P-256) made in memory: for {@code jselectors cert},
 * {@code serve --tls-self-signed} and the testkit's TLS tester. Not for production: no client
 * trusts it unless told to. The JDK has no API that makes a certificate, hence BouncyCastle.
 */
public final class DevelopmentCertificate {

    /** How long a development certificate lasts: long enough not to bother, short enough to notice. */
    public static final Duration VALIDITY = Duration.ofDays(90);
    /** Names used when none are given: what a developer's client calls the local machine. */
    public static final List<String> DEFAULT_HOSTS = List.of("localhost", "127.0.0.1", "::1");
    /** Clock skew allowed for: the certificate is valid from a little before it was made. */
    private static final Duration BACKDATE = Duration.ofMinutes(5);
    private static final int SERIAL_BITS = 64;

    private DevelopmentCertificate() {}

    /**
     * Makes a key pair and a certificate for {@code hosts} (DNS names or IP literals; {@link
     * #DEFAULT_HOSTS} if empty), valid from {@code now} for {@link #VALIDITY}.
     */
    public static KeyStore.PrivateKeyEntry generate(List<String> hosts, Instant now) throws GeneralSecurityException {
        List<String> names = hosts.isEmpty() ? DEFAULT_HOSTS : hosts;
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = gen.generateKeyPair();
        X500Name subject = new X500Name("CN=" + names.getFirst().replaceAll("[,=+<>#;\"\\\\]", "_") + ",O=jselectors development");
        List<GeneralName> sans = new ArrayList<>();
        for (String host : names) {
            sans.add(isIpLiteral(host) ? new GeneralName(GeneralName.iPAddress, host) : new GeneralName(GeneralName.dNSName, host));
        }
        try {
            X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(SERIAL_BITS, new SecureRandom()).add(BigInteger.ONE),
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(GeneralName[]::new)));
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            return new KeyStore.PrivateKeyEntry(pair.getPrivate(), new X509Certificate[] {cert});
        } catch (OperatorCreationException | IOException e) {
            throw new GeneralSecurityException("self-signed certificate: " + e.getMessage(), e);
        }
    }

    private static boolean isIpLiteral(String host) {
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            return false;
        }
        try {
            InetAddress.ofLiteral(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
