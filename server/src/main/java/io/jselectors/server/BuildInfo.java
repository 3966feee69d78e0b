package io.jselectors.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * The version and git commit the server was built from, read from {@code
 * jselectors-version.properties}, which the build fills in (resource filtering in server/pom.xml).
 * A build without git (from a source tarball) has commit {@code unknown}; classes run from an IDE
 * without the build's filtering say {@code unknown} for both.
 *
 * @param version the Maven project version, e.g. {@code 0.1.0-SNAPSHOT}
 * @param commit the abbreviated commit id, or {@code unknown}
 */
public record BuildInfo(String version, String commit) {

    /** What a field reads when the build could not fill it in. */
    public static final String UNKNOWN = "unknown";

    private static final String RESOURCE = "/jselectors-version.properties";
    private static final BuildInfo CURRENT = load();

    /** The build this code comes from. */
    public static BuildInfo current() {
        return CURRENT;
    }

    /** {@code jselectors 0.1.0 (commit 1a2b3c4d5e6f)}: what {@code --version} and the start-up banner print. */
    public String describe() {
        return "jselectors " + version + " (commit " + commit + ")";
    }

    private static BuildInfo load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
        return new BuildInfo(filled(p.getProperty("version")), filled(p.getProperty("commit")));
    }

    /** The value, or {@link #UNKNOWN} when the build left it empty or unsubstituted ({@code ${...}}). */
    static String filled(String value) {
        return value == null || value.isBlank() || value.contains("${") ? UNKNOWN : value.strip();
    }
}
