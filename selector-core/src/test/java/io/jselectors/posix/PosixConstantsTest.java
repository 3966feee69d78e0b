package io.jselectors.posix;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The per-OS tables against the values in the system headers. Each expected value is typed in from
 * the header named next to it, so a typo in a table shows up as a mismatch here.
 */
class PosixConstantsTest {

    @Test
    void linuxMatchesHeaders() {
        PosixConstants c = PosixConstants.LINUX;
        // asm-generic/fcntl.h (x86_64 and aarch64)
        assertEquals(04000, c.oNonblock());
        assertEquals(02000000, c.oCloexec());
        assertEquals(1, c.fGetfd());
        assertEquals(2, c.fSetfd());
        assertEquals(3, c.fGetfl());
        assertEquals(4, c.fSetfl());
        assertEquals(1, c.fdCloexec());
        // bits/socket.h, bits/socket_type.h
        assertEquals(1, c.afUnix());
        assertEquals(2, c.afInet());
        assertEquals(10, c.afInet6());
        assertEquals(1, c.sockStream());
        assertEquals(04000, c.sockNonblock());
        assertEquals(02000000, c.sockCloexec());
        assertEquals(0x4000, c.msgNosignal());
        // asm-generic/socket.h
        assertEquals(1, c.solSocket());
        assertEquals(2, c.soReuseaddr());
        assertEquals(4, c.soError());
        assertEquals(7, c.soSndbuf());
        assertEquals(8, c.soRcvbuf());
        assertEquals(9, c.soKeepalive());
        assertEquals(13, c.soLinger());
        assertEquals(15, c.soReuseport());
        assertEquals(0, c.soNosigpipe());
        // linux/in6.h
        assertEquals(26, c.ipv6V6only());
    }

    @Test
    void macosMatchesHeaders() {
        PosixConstants c = PosixConstants.MACOS;
        // xnu bsd/sys/fcntl.h
        assertEquals(0x0004, c.oNonblock());
        assertEquals(0x01000000, c.oCloexec());
        assertEquals(1, c.fGetfd());
        assertEquals(2, c.fSetfd());
        assertEquals(3, c.fGetfl());
        assertEquals(4, c.fSetfl());
        assertEquals(1, c.fdCloexec());
        // xnu bsd/sys/socket.h: no SOCK_NONBLOCK / SOCK_CLOEXEC / MSG_NOSIGNAL for userland
        assertEquals(1, c.afUnix());
        assertEquals(2, c.afInet());
        assertEquals(30, c.afInet6());
        assertEquals(1, c.sockStream());
        assertEquals(0, c.sockNonblock());
        assertEquals(0, c.sockCloexec());
        assertEquals(0, c.msgNosignal());
        assertEquals(0xffff, c.solSocket());
        assertEquals(0x0004, c.soReuseaddr());
        assertEquals(0x0008, c.soKeepalive());
        assertEquals(0x0080, c.soLinger());
        assertEquals(0x0200, c.soReuseport());
        assertEquals(0x1001, c.soSndbuf());
        assertEquals(0x1002, c.soRcvbuf());
        assertEquals(0x1007, c.soError());
        assertEquals(0x1022, c.soNosigpipe());
        // xnu bsd/netinet6/in6.h
        assertEquals(27, c.ipv6V6only());
    }

    @Test
    void freebsdMatchesHeaders() {
        PosixConstants c = PosixConstants.FREEBSD;
        // sys/sys/fcntl.h
        assertEquals(0x0004, c.oNonblock());
        assertEquals(0x00100000, c.oCloexec());
        assertEquals(1, c.fGetfd());
        assertEquals(2, c.fSetfd());
        assertEquals(3, c.fGetfl());
        assertEquals(4, c.fSetfl());
        assertEquals(1, c.fdCloexec());
        // sys/sys/socket.h
        assertEquals(1, c.afUnix());
        assertEquals(2, c.afInet());
        assertEquals(28, c.afInet6());
        assertEquals(1, c.sockStream());
        assertEquals(0x20000000, c.sockNonblock());
        assertEquals(0x10000000, c.sockCloexec());
        assertEquals(0x20000, c.msgNosignal());
        assertEquals(0xffff, c.solSocket());
        assertEquals(0x0004, c.soReuseaddr());
        assertEquals(0x0008, c.soKeepalive());
        assertEquals(0x0080, c.soLinger());
        assertEquals(0x0200, c.soReuseport());
        assertEquals(0x1001, c.soSndbuf());
        assertEquals(0x1002, c.soRcvbuf());
        assertEquals(0x1007, c.soError());
        // FreeBSD has SO_NOSIGPIPE (0x0800) too, but MSG_NOSIGNAL covers it: the table leaves it 0.
        assertEquals(0, c.soNosigpipe());
        // sys/netinet6/in6.h
        assertEquals(27, c.ipv6V6only());
    }

    @Test
    void currentTableFollowsPlatform() {
        assertEquals(Platform.current() == Platform.OTHER ? Platform.LINUX : Platform.current(),
                PosixConstants.current().platform());
    }

    @Test
    void errnoTablesMatchHeaders() {
        // Linux asm-generic/errno-base.h, asm-generic/errno.h
        Map<String, Integer> linux = Errno.byName(Platform.LINUX);
        assertEquals(4, linux.get("EINTR"));
        assertEquals(9, linux.get("EBADF"));
        assertEquals(11, linux.get("EAGAIN"));
        assertEquals(32, linux.get("EPIPE"));
        assertEquals(104, linux.get("ECONNRESET"));
        assertEquals(111, linux.get("ECONNREFUSED"));
        assertEquals(115, linux.get("EINPROGRESS"));
        assertEquals(103, linux.get("ECONNABORTED"));
        assertEquals(107, linux.get("ENOTCONN"));
        // xnu bsd/sys/errno.h
        Map<String, Integer> mac = Errno.byName(Platform.MACOS);
        assertEquals(35, mac.get("EAGAIN"));
        assertEquals(36, mac.get("EINPROGRESS"));
        assertEquals(53, mac.get("ECONNABORTED"));
        assertEquals(54, mac.get("ECONNRESET"));
        assertEquals(57, mac.get("ENOTCONN"));
        assertEquals(61, mac.get("ECONNREFUSED"));
        assertEquals(102, mac.get("EOPNOTSUPP"));
        // FreeBSD sys/sys/errno.h: the same numbers as xnu except EOPNOTSUPP
        Map<String, Integer> bsd = Errno.byName(Platform.FREEBSD);
        assertEquals(35, bsd.get("EAGAIN"));
        assertEquals(36, bsd.get("EINPROGRESS"));
        assertEquals(54, bsd.get("ECONNRESET"));
        assertEquals(61, bsd.get("ECONNREFUSED"));
        assertEquals(45, bsd.get("EOPNOTSUPP"));
    }
}
