package io.jselectors.server.tls;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * One configured certificate: the chain's file, the key's file and, if the key is encrypted, where
 * its password comes from. {@link #load} reads them afresh each time (for reloads).
 *
 * @param cert PEM certificate chain, leaf first
 * @param key PEM private key
 * @param password the key's password source, or {@code null}
 */
public record KeyPairFiles(Path cert, Path key, KeyPassword password) {

    public KeyPairFiles {
        Objects.requireNonNull(cert, "cert");
        Objects.requireNonNull(key, "key");
    }

    /** Reads and checks both files; the error names the file and the problem in one line. */
    public CertifiedKey load(Map<String, String> env) throws IOException {
        char[] pw = password == null ? null : password.read(env);
        try {
            return new CertifiedKey(cert.toString(), PemFiles.readChain(cert), PemFiles.readKey(key, pw));
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        } finally {
            if (pw != null) {
                Arrays.fill(pw, '\0');
            }
        }
    }

    /** A cheap fingerprint of both files (modification times and sizes) to notice a change. */
    String stamp() {
        return stampOf(cert) + "|" + stampOf(key);
    }

    private static String stampOf(Path file) {
        try {
            return Files.getLastModifiedTime(file).toMillis() + ":" + Files.size(file);
        } catch (IOException e) {
            return "missing";
        }
    }
}
