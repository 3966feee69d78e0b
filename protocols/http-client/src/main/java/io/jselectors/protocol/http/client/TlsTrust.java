package io.jselectors.protocol.http.client;

import java.nio.file.Path;
import java.util.List;

/**
 * Which servers an {@code https://} fetch trusts.
 *
 * <ul>
 *   <li>{@link #system()}: the JDK's trust store ({@code cacerts}), host names verified;
 *   <li>{@link #caFiles(List)}: only the certificates in these PEM files (like curl's {@code
 *       --cacert}: they replace the JDK's store), host names verified;
 *   <li>{@link #insecure()}: any certificate and any host name. For a development server only:
 *       whoever sits on the path reads and changes everything.
 * </ul>
 *
 * {@snippet :
 * FetchOptions options = FetchOptions.of(10, 1, Duration.ofSeconds(5))
 *         .withTrust(TlsTrust.caFiles(List.of(Path.of("cert.pem"))));
 * }
 *
 * @param caFiles PEM files of trusted certificates (one or more each); empty: the JDK's store
 * @param trustAnything verify nothing (then {@code caFiles} must be empty): {@link #insecure()}
 */
public record TlsTrust(List<Path> caFiles, boolean trustAnything) {

    /** Validates: insecure excludes CA files. */
    public TlsTrust {
        caFiles = List.copyOf(caFiles);
        if (trustAnything && !caFiles.isEmpty()) {
            throw new IllegalArgumentException("insecure (trust anything) and CA files exclude each other");
        }
    }

    /** The JDK's trust store, with host name verification: the default. */
    public static TlsTrust system() {
        return new TlsTrust(List.of(), false);
    }

    /** Only the certificates in {@code files} (PEM), with host name verification. */
    public static TlsTrust caFiles(List<Path> files) {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no CA file given");
        }
        return new TlsTrust(files, false);
    }

    /** No verification at all (development only). */
    public static TlsTrust insecure() {
        return new TlsTrust(List.of(), true);
    }
}
