package io.jselectors.posix;

import java.util.Map;

/**
 * errno values of this OS, and their names. The numbers differ between Linux and the BSDs (EAGAIN
 * is 11 on Linux, 35 on macOS and FreeBSD), so each constant is read from the table of {@link
 * Platform#current()}.
 *
 * <p>Sources: Linux {@code asm-generic/errno-base.h} and {@code asm-generic/errno.h}; macOS
 * {@code sys/errno.h} (xnu); FreeBSD {@code sys/sys/errno.h}.
 */
public final class Errno {

    private Errno() {}

    // name, Linux, macOS, FreeBSD
    private static final Object[][] TABLE = {
        {"EPERM", 1, 1, 1},
        {"ENOENT", 2, 2, 2},
        {"ESRCH", 3, 3, 3},
        {"EINTR", 4, 4, 4},
        {"EIO", 5, 5, 5},
        {"EBADF", 9, 9, 9},
        {"EAGAIN", 11, 35, 35},
        {"ENOMEM", 12, 12, 12},
        {"EACCES", 13, 13, 13},
        {"EFAULT", 14, 14, 14},
        {"EEXIST", 17, 17, 17},
        {"ENOTDIR", 20, 20, 20},
        {"EINVAL", 22, 22, 22},
        {"ENFILE", 23, 23, 23},
        {"EMFILE", 24, 24, 24},
        {"ENOSPC", 28, 28, 28},
        {"EPIPE", 32, 32, 32},
        {"ENOSYS", 38, 78, 78},
        {"ENOTSOCK", 88, 38, 38},
        {"EOPNOTSUPP", 95, 102, 45},
        {"EAFNOSUPPORT", 97, 47, 47},
        {"EADDRINUSE", 98, 48, 48},
        {"EADDRNOTAVAIL", 99, 49, 49},
        {"ENETUNREACH", 101, 51, 51},
        {"ECONNABORTED", 103, 53, 53},
        {"ECONNRESET", 104, 54, 54},
        {"ENOBUFS", 105, 55, 55},
        {"EISCONN", 106, 56, 56},
        {"ENOTCONN", 107, 57, 57},
        {"ETIMEDOUT", 110, 60, 60},
        {"ECONNREFUSED", 111, 61, 61},
        {"EHOSTUNREACH", 113, 65, 65},
        {"EALREADY", 114, 37, 37},
        {"EINPROGRESS", 115, 36, 36},
    };

    private static final Map<String, Integer> BY_NAME = byName(Platform.current());

    static Map<String, Integer> byName(Platform platform) {
        int column = switch (platform) {
            case MACOS -> 2;
            case FREEBSD -> 3;
            default -> 1; // Linux; OTHER never makes a native call, any table will do
        };
        Map<String, Integer> map = new java.util.HashMap<>();
        for (Object[] row : TABLE) {
            map.put((String) row[0], (Integer) row[column]);
        }
        return Map.copyOf(map);
    }

    private static int of(String name) {
        return BY_NAME.get(name);
    }

    /** Operation not permitted (epoll on a regular file). */
    public static final int EPERM = of("EPERM");
    /** No such file or directory (epoll_ctl DEL of an fd that is not in the set). */
    public static final int ENOENT = of("ENOENT");
    /** No such process. */
    public static final int ESRCH = of("ESRCH");
    /** Interrupted system call: retried with the remaining timeout. */
    public static final int EINTR = of("EINTR");
    /** I/O error. */
    public static final int EIO = of("EIO");
    /** Bad file descriptor. */
    public static final int EBADF = of("EBADF");
    /** Resource temporarily unavailable: a non-blocking call would block (= EWOULDBLOCK). */
    public static final int EAGAIN = of("EAGAIN");
    /** Out of memory. */
    public static final int ENOMEM = of("ENOMEM");
    /** Permission denied. */
    public static final int EACCES = of("EACCES");
    /** Bad address. */
    public static final int EFAULT = of("EFAULT");
    /** File exists (epoll_ctl ADD of an fd already in the set). */
    public static final int EEXIST = of("EEXIST");
    /** Not a directory. */
    public static final int ENOTDIR = of("ENOTDIR");
    /** Invalid argument. */
    public static final int EINVAL = of("EINVAL");
    /** Too many open files in the system. */
    public static final int ENFILE = of("ENFILE");
    /** Too many open files in this process. */
    public static final int EMFILE = of("EMFILE");
    /** No space left (epoll: max_user_watches reached). */
    public static final int ENOSPC = of("ENOSPC");
    /** Broken pipe. */
    public static final int EPIPE = of("EPIPE");
    /** Function not implemented. */
    public static final int ENOSYS = of("ENOSYS");
    /** Not a socket. */
    public static final int ENOTSOCK = of("ENOTSOCK");
    /** Operation not supported. */
    public static final int EOPNOTSUPP = of("EOPNOTSUPP");
    /** Address family not supported. */
    public static final int EAFNOSUPPORT = of("EAFNOSUPPORT");
    /** Address already in use. */
    public static final int EADDRINUSE = of("EADDRINUSE");
    /** Cannot assign requested address. */
    public static final int EADDRNOTAVAIL = of("EADDRNOTAVAIL");
    /** Network unreachable. */
    public static final int ENETUNREACH = of("ENETUNREACH");
    /** Connection aborted (accept of a connection reset before it was taken). */
    public static final int ECONNABORTED = of("ECONNABORTED");
    /** Connection reset by peer. */
    public static final int ECONNRESET = of("ECONNRESET");
    /** No buffer space available. */
    public static final int ENOBUFS = of("ENOBUFS");
    /** Already connected. */
    public static final int EISCONN = of("EISCONN");
    /** Not connected. */
    public static final int ENOTCONN = of("ENOTCONN");
    /** Timed out. */
    public static final int ETIMEDOUT = of("ETIMEDOUT");
    /** Connection refused. */
    public static final int ECONNREFUSED = of("ECONNREFUSED");
    /** No route to host. */
    public static final int EHOSTUNREACH = of("EHOSTUNREACH");
    /** A non-blocking connect is already under way. */
    public static final int EALREADY = of("EALREADY");
    /** A non-blocking connect has started. */
    public static final int EINPROGRESS = of("EINPROGRESS");

    /** The symbolic name of an errno of this OS, e.g. {@code "EBADF"}, or {@code "errno N"}. */
    public static String name(int errno) {
        for (Map.Entry<String, Integer> e : BY_NAME.entrySet()) {
            if (e.getValue() == errno) {
                return e.getKey();
            }
        }
        return "errno " + errno;
    }
}
