package io.jselectors.posix;

import java.util.Locale;

/**
 * The operating system and architecture this JVM runs on, decided once. Every per-OS table in this
 * package is chosen from here; nothing else in the project looks at {@code os.name}.
 */
public enum Platform {
    /** Linux, any libc. */
    LINUX,
    /** macOS (Darwin). */
    MACOS,
    /** FreeBSD. */
    FREEBSD,
    /** Anything else: the native backends say they are unavailable. */
    OTHER;

    private static final Platform CURRENT = detect(System.getProperty("os.name", ""));
    private static final String ARCH = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);

    /** The platform of this JVM. */
    public static Platform current() {
        return CURRENT;
    }

    static Platform detect(String osName) {
        String os = osName.toLowerCase(Locale.ROOT);
        if (os.startsWith("linux")) {
            return LINUX;
        } else if (os.startsWith("mac") || os.startsWith("darwin")) {
            return MACOS;
        } else if (os.startsWith("freebsd")) {
            return FREEBSD;
        }
        return OTHER;
    }

    /** Whether this is a BSD-family system (macOS or FreeBSD): {@code sin_len}, kqueue. */
    public boolean isBsd() {
        return this == MACOS || this == FREEBSD;
    }

    /** Whether the CPU is x86_64 (where, for instance, {@code struct epoll_event} is packed). */
    public static boolean isX86_64() {
        return ARCH.equals("amd64") || ARCH.equals("x86_64");
    }

    /** Whether the CPU is 64-bit ARM. */
    public static boolean isAarch64() {
        return ARCH.equals("aarch64") || ARCH.equals("arm64");
    }

    /** The raw {@code os.arch}, for messages. */
    public static String arch() {
        return ARCH;
    }
}
