package io.jselectors.posix;

/**
 * The C constants whose values differ between the systems we support, one table per OS, chosen
 * once by {@link #current()}. Constants that are the same everywhere (POLLIN = 1, SHUT_WR = 1,
 * IPPROTO_TCP = 6, ...) are plain constants in the class that uses them.
 *
 * <p>Sources: Linux {@code asm-generic/fcntl.h}, {@code asm-generic/socket.h}, {@code
 * bits/socket.h}, {@code linux/in6.h}; macOS (xnu) {@code sys/fcntl.h}, {@code sys/socket.h},
 * {@code netinet6/in6.h}; FreeBSD 14 {@code sys/fcntl.h}, {@code sys/socket.h}, {@code
 * netinet6/in6.h}.
 *
 * @param platform the OS this table is for
 * @param oNonblock O_NONBLOCK
 * @param oCloexec O_CLOEXEC
 * @param fGetfd F_GETFD
 * @param fSetfd F_SETFD
 * @param fGetfl F_GETFL
 * @param fSetfl F_SETFL
 * @param fdCloexec FD_CLOEXEC
 * @param afUnix AF_UNIX
 * @param afInet AF_INET
 * @param afInet6 AF_INET6
 * @param sockStream SOCK_STREAM
 * @param sockNonblock SOCK_NONBLOCK, 0 where socket() has no such flag (macOS)
 * @param sockCloexec SOCK_CLOEXEC, 0 where socket() has no such flag (macOS)
 * @param solSocket SOL_SOCKET
 * @param soReuseaddr SO_REUSEADDR
 * @param soReuseport SO_REUSEPORT
 * @param soKeepalive SO_KEEPALIVE
 * @param soSndbuf SO_SNDBUF
 * @param soRcvbuf SO_RCVBUF
 * @param soError SO_ERROR
 * @param soLinger SO_LINGER
 * @param soNosigpipe SO_NOSIGPIPE where sockets need it (macOS); 0 on Linux, which lacks it, and on
 *     FreeBSD, which has it (0x0800) but where MSG_NOSIGNAL on every send is enough
 * @param msgNosignal MSG_NOSIGNAL, 0 where it does not exist (macOS uses SO_NOSIGPIPE)
 * @param ipv6V6only IPV6_V6ONLY
 */
public record PosixConstants(
        Platform platform,
        int oNonblock,
        int oCloexec,
        int fGetfd,
        int fSetfd,
        int fGetfl,
        int fSetfl,
        int fdCloexec,
        int afUnix,
        int afInet,
        int afInet6,
        int sockStream,
        int sockNonblock,
        int sockCloexec,
        int solSocket,
        int soReuseaddr,
        int soReuseport,
        int soKeepalive,
        int soSndbuf,
        int soRcvbuf,
        int soError,
        int soLinger,
        int soNosigpipe,
        int msgNosignal,
        int ipv6V6only) {

    /** Linux (x86_64 and aarch64 share these values). */
    public static final PosixConstants LINUX = new PosixConstants(Platform.LINUX,
            0x800, 0x80000, 1, 2, 3, 4, 1,
            1, 2, 10,
            1, 0x800, 0x80000,
            1, 2, 15, 9, 7, 8, 4, 13, 0, 0x4000,
            26);

    /** macOS (x86_64 and arm64 share these values). */
    public static final PosixConstants MACOS = new PosixConstants(Platform.MACOS,
            0x4, 0x1000000, 1, 2, 3, 4, 1,
            1, 2, 30,
            1, 0, 0,
            0xffff, 0x4, 0x200, 0x8, 0x1001, 0x1002, 0x1007, 0x80, 0x1022, 0,
            27);

    /** FreeBSD 12 and later. */
    public static final PosixConstants FREEBSD = new PosixConstants(Platform.FREEBSD,
            0x4, 0x100000, 1, 2, 3, 4, 1,
            1, 2, 28,
            1, 0x20000000, 0x10000000,
            0xffff, 0x4, 0x200, 0x8, 0x1001, 0x1002, 0x1007, 0x80, 0, 0x20000,
            27);

    /** The table of {@link Platform#current()} (Linux's where the OS is unknown). */
    public static PosixConstants current() {
        return of(Platform.current());
    }

    /** The table of {@code platform}. */
    public static PosixConstants of(Platform platform) {
        return switch (platform) {
            case MACOS -> MACOS;
            case FREEBSD -> FREEBSD;
            default -> LINUX;
        };
    }
}
