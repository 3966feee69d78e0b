package io.jselectors.server.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.openssl.PKCS8Generator;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.util.io.pem.PemObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PemFilesTest {

    @TempDir
    Path dir;

    @Test
    void readsPkcs8WrittenByTheCertCommand() throws Exception {
        CertifiedKey made = SelfSignedCertificate.generate(List.of("example.test"), Instant.now());
        List<Path> paths = SelfSignedCertificate.write(made, dir);
        CertifiedKey read = new KeyPairFiles(paths.get(0), paths.get(1), null).load(Map.of());
        assertThat(read.leaf()).isEqualTo(made.leaf());
        assertThat(read.key().getEncoded()).isEqualTo(made.key().getEncoded());
        assertThat(Files.readString(paths.get(1))).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void readsPkcs1RsaAndSec1EcKeys() throws Exception {
        CertifiedKey rsa = TestCertificates.rsa("rsa.test");
        Path rsaFile = TestCertificates.pem(dir.resolve("rsa.pem"), new KeyPair(rsa.leaf().getPublicKey(), rsa.key()));
        assertThat(Files.readString(rsaFile)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(PemFiles.readKey(rsaFile, null).getEncoded()).isEqualTo(rsa.key().getEncoded());

        CertifiedKey ec = SelfSignedCertificate.generate(List.of("ec.test"), Instant.now());
        Path ecFile = TestCertificates.pem(dir.resolve("ec.pem"), sec1(ec.key()));
        assertThat(Files.readString(ecFile)).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(PemFiles.readKey(ecFile, null).getAlgorithm()).isIn("EC", "ECDSA");
    }

    /** SEC1 ({@code EC PRIVATE KEY}) with the curve inside, as {@code openssl ec} writes it. */
    private static PemObject sec1(PrivateKey key) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(key.getEncoded());
        ECPrivateKey inner = ECPrivateKey.getInstance(info.parsePrivateKey());
        ASN1Encodable curve = info.getPrivateKeyAlgorithm().getParameters();
        return new PemObject("EC PRIVATE KEY", new ECPrivateKey(256, inner.getKey(), curve).getEncoded());
    }

    @Test
    void readsEncryptedPkcs8AndLegacyEncryptedKeys() throws Exception {
        CertifiedKey rsa = TestCertificates.rsa("enc.test");
        char[] pw = "s3cret".toCharArray();
        Path pkcs8 = TestCertificates.pem(dir.resolve("p8.pem"), new JcaPKCS8Generator(rsa.key(),
                new JceOpenSSLPKCS8EncryptorBuilder(PKCS8Generator.AES_256_CBC).setProvider(new BouncyCastleProvider()).setPassword(pw).build()));
        assertThat(Files.readString(pkcs8)).startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----");
        assertThat(PemFiles.readKey(pkcs8, pw).getEncoded()).isEqualTo(rsa.key().getEncoded());

        Path legacy = dir.resolve("legacy.pem");
        try (var out = Files.newBufferedWriter(legacy); var pem = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(out)) {
            pem.writeObject(new KeyPair(rsa.leaf().getPublicKey(), rsa.key()), new JcePEMEncryptorBuilder("AES-128-CBC").setProvider(new BouncyCastleProvider()).build(pw));
        }
        assertThat(Files.readString(legacy)).contains("Proc-Type: 4,ENCRYPTED");
        assertThat(PemFiles.readKey(legacy, pw).getEncoded()).isEqualTo(rsa.key().getEncoded());

        assertThatThrownBy(() -> PemFiles.readKey(pkcs8, "wrong".toCharArray()))
                .isInstanceOf(IOException.class).hasMessageContaining("p8.pem").hasMessageContaining("wrong password");
        assertThatThrownBy(() -> PemFiles.readKey(pkcs8, null))
                .isInstanceOf(IOException.class).hasMessageContaining("encrypted and no password");
    }

    @Test
    void readsKeysThatOpensslWrote() throws Exception {
        assumeTrue(TestCertificates.hasOpenssl(), "openssl is not installed (scripts/install-test-tools.sh installs it)");
        assertThat(TestCertificates.run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "p8.pem",
                "-out", "cert.pem", "-days", "2", "-subj", "/CN=openssl.test", "-addext", "subjectAltName=DNS:openssl.test")).isZero();
        assertThat(TestCertificates.run(dir, "openssl", "rsa", "-in", "p8.pem", "-traditional", "-out", "rsa1.pem")).isZero();
        assertThat(TestCertificates.run(dir, "openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sec1.pem")).isZero();
        assertThat(TestCertificates.run(dir, "openssl", "pkcs8", "-topk8", "-in", "p8.pem", "-out", "enc.pem",
                "-passout", "pass:pw123")).isZero();

        CertifiedKey pair = new KeyPairFiles(dir.resolve("cert.pem"), dir.resolve("p8.pem"), null).load(Map.of());
        assertThat(pair.covers("openssl.test")).isTrue();
        PrivateKey p8 = pair.key();
        assertThat(PemFiles.readKey(dir.resolve("rsa1.pem"), null).getEncoded()).isEqualTo(p8.getEncoded());
        assertThat(PemFiles.readKey(dir.resolve("sec1.pem"), null).getAlgorithm()).isIn("EC", "ECDSA");
        Files.writeString(dir.resolve("pw.txt"), "pw123\n");
        CertifiedKey encrypted = new KeyPairFiles(dir.resolve("cert.pem"), dir.resolve("enc.pem"),
                KeyPassword.parse("file:" + dir.resolve("pw.txt"))).load(Map.of());
        assertThat(encrypted.key().getEncoded()).isEqualTo(p8.getEncoded());
        CertifiedKey fromEnv = new KeyPairFiles(dir.resolve("cert.pem"), dir.resolve("enc.pem"),
                KeyPassword.parse("env:KEY_PW")).load(Map.of("KEY_PW", "pw123"));
        assertThat(fromEnv.key().getEncoded()).isEqualTo(p8.getEncoded());
    }

    @Test
    void readsAChainLeafFirst() throws Exception {
        CertifiedKey a = TestCertificates.rsa("leaf.test");
        CertifiedKey b = TestCertificates.rsa("ca.test");
        Path chain = TestCertificates.pem(dir.resolve("chain.pem"), a.leaf(), b.leaf());
        assertThat(PemFiles.readChain(chain)).containsExactly(a.leaf(), b.leaf());
    }

    @Test
    void brokenFilesSayWhichAndWhy() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "hello\n");
        assertThatThrownBy(() -> PemFiles.readChain(junk)).hasMessage(junk + ": no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
        assertThatThrownBy(() -> PemFiles.readKey(junk, null)).hasMessageStartingWith(junk + ": no PEM private key");
        Path truncated = Files.writeString(dir.resolve("cut.pem"), "-----BEGIN CERTIFICATE-----\nMIIB\n");
        assertThatThrownBy(() -> PemFiles.readChain(truncated)).isInstanceOf(IOException.class).hasMessageStartingWith(truncated.toString());
    }

    @Test
    void aKeyThatDoesNotMatchTheCertificateFamilyIsRefused() throws Exception {
        CertifiedKey rsa = TestCertificates.rsa("mix.test");
        CertifiedKey ec = SelfSignedCertificate.generate(List.of("mix.test"), Instant.now());
        assertThatThrownBy(() -> new CertifiedKey("mixed", rsa.chain(), ec.key()))
                .hasMessage("mixed: the key is EC but the certificate's is RSA");
    }

    @Test
    void passwordSources() throws Exception {
        assertThatThrownBy(() -> KeyPassword.parse("hunter2")).hasMessageContaining("expected file:PATH or env:NAME");
        assertThatThrownBy(() -> KeyPassword.parse("env:NOPE").read(Map.of())).hasMessage("key password: environment variable NOPE is not set");
        Path f = Files.writeString(dir.resolve("pw"), "line one\r\nline two\n");
        assertThat(KeyPassword.parse("file:" + f).read(Map.of())).isEqualTo("line one".toCharArray());
    }
}
