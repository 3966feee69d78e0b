package io.jselectors.server.tls;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.NoSuchFileException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;

/**
 * Reads PEM files with BouncyCastle's parser: certificate chains, and private keys in every form
 * OpenSSL writes — PKCS#8 ({@code PRIVATE KEY}), PKCS#1 RSA ({@code RSA PRIVATE KEY}), SEC1 EC
 * ({@code EC PRIVATE KEY}), encrypted PKCS#8 ({@code ENCRYPTED PRIVATE KEY}) and the legacy
 * OpenSSL encryption ({@code Proc-Type: 4,ENCRYPTED}). Errors name the file and what was wrong in
 * one line.
 */
public final class PemFiles {

    /**
     * Decrypts keys (PBES2 and OpenSSL's legacy ciphers, which the JDK does not name by OID). Used
     * directly, never registered as a global provider: everything else stays on the JDK's.
     */
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private PemFiles() {}

    private static IOException unreadable(Path file, IOException e) {
        if (e instanceof NoSuchFileException) {
            return new IOException(file + ": no such file", e);
        }
        return new IOException(file + ": not valid PEM: " + e.getMessage(), e);
    }

    /** The certificates of {@code file} in order, leaf first; at least one. */
    public static List<X509Certificate> readChain(Path file) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            Object item;
            while ((item = parser.readObject()) != null) {
                if (item instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (CertificateException e) {
            throw new IOException(file + ": not a PEM certificate: " + e.getMessage(), e);
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        if (chain.isEmpty()) {
            throw new IOException(file + ": no PEM certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return List.copyOf(chain);
    }

    /**
     * The private key in {@code file}; {@code password} is asked for only if the key is encrypted.
     *
     * @param password the password's characters, or {@code null} when none was configured
     */
    public static PrivateKey readKey(Path file, char[] password) throws IOException {
        Object item;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(reader)) {
            do {
                item = parser.readObject();
            } while (item != null && !isKey(item));
        } catch (IOException e) {
            throw unreadable(file, e);
        }
        if (item == null) {
            throw new IOException(file + ": no PEM private key (expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY)");
        }
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            return switch (item) {
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                case PEMKeyPair pair -> converter.getPrivateKey(pair.getPrivateKeyInfo()); // SEC1 may omit the public key
                case PKCS8EncryptedPrivateKeyInfo encrypted -> converter.getPrivateKey(encrypted.decryptPrivateKeyInfo(
                        new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BOUNCY_CASTLE).build(require(file, password))));
                case PEMEncryptedKeyPair encrypted -> converter.getKeyPair(encrypted.decryptKeyPair(
                        new JcePEMDecryptorProviderBuilder().setProvider(BOUNCY_CASTLE).build(require(file, password)))).getPrivate();
                default -> throw new IOException(file + ": unsupported key type " + item.getClass().getSimpleName());
            };
        } catch (PKCSException e) {
            throw new IOException(file + ": cannot decrypt the private key (wrong password?)", e);
        } catch (PEMException e) {
            throw new IOException(file + ": " + (item instanceof PEMEncryptedKeyPair ? "cannot decrypt the private key (wrong password?)"
                    : "unusable private key: " + e.getMessage()), e);
        } catch (OperatorCreationException e) {
            throw new IOException(file + ": unsupported key encryption: " + e.getMessage(), e);
        }
    }

    private static boolean isKey(Object item) {
        return item instanceof PrivateKeyInfo || item instanceof PEMKeyPair
                || item instanceof PKCS8EncryptedPrivateKeyInfo || item instanceof PEMEncryptedKeyPair;
    }

    private static char[] require(Path file, char[] password) throws IOException {
        if (password == null) {
            throw new IOException(file + ": the private key is encrypted and no password was given (--tls-key-password file:PATH or env:NAME)");
        }
        return password;
    }
}
