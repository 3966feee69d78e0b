package io.jselectors.server.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The {@code serve} command's TLS options (a picocli mixin): certificate/key pairs, repeatable for
 * SNI, or an in-memory self-signed certificate. Environment: {@code JSELECTORS_TLS_CERT} and
 * {@code JSELECTORS_TLS_KEY} (comma-separated, pairwise), {@code JSELECTORS_TLS_KEY_PASSWORD}.
 */
public final class TlsOptions {

    @Option(names = "--tls-cert", paramLabel = "PEM",
            description = "Certificate chain for +tls listeners (leaf first); repeat with --tls-key for more "
                    + "certificates, chosen by SNI. Env: JSELECTORS_TLS_CERT (comma-separated).")
    List<Path> certs = new ArrayList<>();

    @Option(names = "--tls-key", paramLabel = "PEM",
            description = "Private key of the --tls-cert at the same position (PKCS#8, PKCS#1 RSA or SEC1 EC; "
                    + "encrypted ones need --tls-key-password). Env: JSELECTORS_TLS_KEY.")
    List<Path> keys = new ArrayList<>();

    @Option(names = "--tls-key-password", paramLabel = "file:PATH|env:NAME",
            defaultValue = "${env:JSELECTORS_TLS_KEY_PASSWORD}",
            description = "Where the password of encrypted keys is read from (never the password itself).")
    String keyPassword;

    @Option(names = "--tls-self-signed", description = "Serve +tls listeners with a self-signed certificate made "
            + "in memory at start (development only; clients must be told to trust it).")
    boolean selfSigned;

    /**
     * The configured TLS with its meters in {@code registry}, or {@code null} if no certificate
     * was given.
     */
    public TlsListeners build(Map<String, String> env, io.micrometer.core.instrument.MeterRegistry registry)
            throws IOException, GeneralSecurityException {
        List<Path> certFiles = certs.isEmpty() ? split(env.get("JSELECTORS_TLS_CERT")) : certs;
        List<Path> keyFiles = keys.isEmpty() ? split(env.get("JSELECTORS_TLS_KEY")) : keys;
        if (certFiles.size() != keyFiles.size()) {
            throw new IllegalArgumentException("--tls-cert and --tls-key come in pairs: got " + certFiles.size()
                    + " certificate(s) and " + keyFiles.size() + " key(s)");
        }
        if (selfSigned && !certFiles.isEmpty()) {
            throw new IllegalArgumentException("--tls-self-signed and --tls-cert exclude each other");
        }
        if (selfSigned) {
            CertifiedKey key = SelfSignedCertificate.generate(List.of(), Instant.now());
            SniKeyManager manager = new SniKeyManager(List.of(key));
            return new TlsListeners(TlsContext.create(manager), null, new TlsMeters(registry, manager));
        }
        if (certFiles.isEmpty()) {
            return null;
        }
        KeyPassword password = keyPassword == null || keyPassword.isBlank() ? null : KeyPassword.parse(keyPassword.trim());
        List<KeyPairFiles> files = new ArrayList<>();
        for (int i = 0; i < certFiles.size(); i++) {
            files.add(new KeyPairFiles(certFiles.get(i), keyFiles.get(i), password));
        }
        SniKeyManager manager = new SniKeyManager(CertificateReloader.loadAll(files, env));
        return new TlsListeners(TlsContext.create(manager), new CertificateReloader(files, manager, env),
                new TlsMeters(registry, manager));
    }

    /** Refuses {@code +tls} listeners when no certificate is configured, naming the options. */
    public static void requireCertificate(List<String> listenProtocols, TlsListeners tls) {
        for (String protocol : listenProtocols) {
            if (TlsListeners.isTls(protocol) && tls == null) {
                throw new IllegalArgumentException(protocol + " listener: no certificate configured "
                        + "(--tls-cert and --tls-key, or --tls-self-signed)");
            }
        }
    }

    private static List<Path> split(String value) {
        List<Path> out = new ArrayList<>();
        if (value != null) {
            for (String part : value.split(",")) {
                if (!part.isBlank()) {
                    out.add(Path.of(part.trim()));
                }
            }
        }
        return out;
    }
}
