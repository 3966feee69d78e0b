package io.jselectors.posix.socket;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import io.jselectors.posix.PosixConstants;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Non-blocking TCP sockets over IPv4 and IPv6, as plain int fds. This class owns the socket
 * handles, as {@link Libc} owns the file ones.
 *
 * {@snippet :
 * int listener = Sockets.listen(new InetSocketAddress("127.0.0.1", 0), 128);
 * int client = Sockets.connect(Sockets.localAddress(listener)); // EINPROGRESS is normal
 * // ... wait for WRITE on client, then:
 * Sockets.finishConnect(client);
 * int accepted = Sockets.accept(listener); // -1 when nothing is pending
 * }
 *
 * <p>Every socket made here is non-blocking and close-on-exec ({@code SOCK_NONBLOCK|SOCK_CLOEXEC}
 * where the OS has them, fcntl on macOS), and never raises SIGPIPE: {@link #send} passes {@code
 * MSG_NOSIGNAL} (Linux, FreeBSD) and macOS sockets get {@code SO_NOSIGPIPE} when created or
 * accepted. A plain write(2) or writev(2) to a closed peer on Linux would raise SIGPIPE, which
 * HotSpot ignores (it installs its own handler); the tests check that the JVM survives either way.
 *
 * <p>As in {@link Libc}, the hot-path forms ({@link #accept(MemorySegment, int)}, {@link #send},
 * {@link #recv}) take the caller's call state and return {@code -errno}; they are linked {@code
 * critical}, which is right only because these sockets never block. The rest throws {@link
 * ErrnoException} and closes any fd it made before throwing. Options (setsockopt, SO_LINGER,
 * SO_ERROR) are {@link SocketOptions}'.
 */
public final class Sockets {

    private Sockets() {}

    /** shutdown(2): no more receptions. Same value on Linux, macOS and FreeBSD. */
    public static final int SHUT_RD = 0;
    /** shutdown(2): no more transmissions (sends FIN). */
    public static final int SHUT_WR = 1;
    /** shutdown(2): both. */
    public static final int SHUT_RDWR = 2;

    private static final PosixConstants C = Libc.C;

    private static final MethodHandle SOCKET =
            Native.downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND =
            Native.downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = Native.downcall("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle CONNECT =
            Native.downcall("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME =
            Native.downcall("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETPEERNAME =
            Native.downcall("getpeername", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SHUTDOWN = Native.downcall("shutdown", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    // Hot path: pointers as longs (see Libc); the peer address is not asked for (0 = NULL).
    private static final Optional<MethodHandle> ACCEPT4 = Native.downcallIfPresent(
            "accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT),
            java.lang.foreign.Linker.Option.critical(false));
    private static final MethodHandle ACCEPT =
            Native.downcallCritical("accept", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle SEND =
            Native.downcallCritical("send", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV =
            Native.downcallCritical("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));

    private static final MethodHandle ACCEPT4_OR_NULL = ACCEPT4.orElse(null);

    // ---------------------------------------------------------------- creating sockets

    /** A new non-blocking, close-on-exec TCP socket of {@code family} (AF_INET or AF_INET6). */
    public static int socket(int family) throws ErrnoException {
        MemorySegment state = Native.threadCallState();
        int fd;
        try {
            fd = (int) SOCKET.invokeExact(state, family, C.sockStream() | C.sockNonblock() | C.sockCloexec(), 0);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        Native.check("socket", fd, state);
        try {
            if (C.sockNonblock() == 0) {
                Libc.setNonBlocking(fd, true);
                Libc.setCloseOnExec(fd);
            }
            if (C.soNosigpipe() != 0) {
                SocketOptions.setInt(fd, C.solSocket(), C.soNosigpipe(), 1);
            }
        } catch (ErrnoException e) {
            closeQuietly(fd, e);
            throw e;
        }
        return fd;
    }

    /** A new socket of the address's family (AF_INET for IPv4, AF_INET6 otherwise). */
    public static int socket(InetSocketAddress forAddress) throws ErrnoException {
        return socket(familyOf(forAddress));
    }

    /**
     * A listening socket bound to {@code local} with SO_REUSEADDR (port 0 picks a free port; read it
     * back with {@link #localAddress}).
     */
    public static int listen(InetSocketAddress local, int backlog) throws ErrnoException {
        return listen(local, backlog, 0);
    }

    /**
     * A listening socket as {@link #listen(InetSocketAddress, int)}, whose accepted connections get
     * {@code bufferBytes} of SO_RCVBUF and SO_SNDBUF each (0: the kernel's defaults and autotuning).
     * Set on the listener before {@code listen(2)} because accepted sockets inherit both sizes, and
     * the receive window's scale is fixed at the handshake from the receive buffer. Linux doubles
     * the value for its bookkeeping and stops autotuning a socket whose size was set.
     */
    public static int listen(InetSocketAddress local, int backlog, int bufferBytes) throws ErrnoException {
        if (bufferBytes < 0) {
            throw new IllegalArgumentException("socket buffer size cannot be negative: " + bufferBytes);
        }
        int fd = socket(local);
        try {
            SocketOptions.set(fd, SocketOption.SO_REUSEADDR, 1);
            if (bufferBytes > 0) {
                SocketOptions.set(fd, SocketOption.SO_RCVBUF, bufferBytes);
                SocketOptions.set(fd, SocketOption.SO_SNDBUF, bufferBytes);
            }
            bind(fd, local);
            listen(fd, backlog);
        } catch (ErrnoException e) {
            closeQuietly(fd, e);
            throw e;
        }
        return fd;
    }

    /** bind(2). */
    public static void bind(int fd, InetSocketAddress local) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SockAddr.STORAGE_SIZE);
            int len = SockAddr.write(addr, local);
            MemorySegment state = Native.threadCallState();
            int rc = (int) BIND.invokeExact(state, fd, addr, len);
            Native.check("bind", rc, state);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** listen(2). */
    public static void listen(int fd, int backlog) throws ErrnoException {
        MemorySegment state = Native.threadCallState();
        int rc;
        try {
            rc = (int) LISTEN.invokeExact(state, fd, backlog);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        Native.check("listen", rc, state);
    }

    /**
     * A new socket with a connection to {@code remote} started. The connection is usually still
     * in progress: wait for WRITE, then call {@link #finishConnect}.
     */
    public static int connect(InetSocketAddress remote) throws ErrnoException {
        int fd = socket(remote);
        try {
            connect(fd, remote);
        } catch (ErrnoException e) {
            closeQuietly(fd, e);
            throw e;
        }
        return fd;
    }

    /**
     * Starts connecting {@code fd}: {@code true} if it connected at once (loopback sometimes does),
     * {@code false} if the connection is in progress (EINPROGRESS, or EINTR, which on a
     * non-blocking socket also leaves it in progress).
     */
    public static boolean connect(int fd, InetSocketAddress remote) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SockAddr.STORAGE_SIZE);
            int len = SockAddr.write(addr, remote);
            MemorySegment state = Native.threadCallState();
            int rc = (int) CONNECT.invokeExact(state, fd, addr, len);
            if (rc == 0) {
                return true;
            }
            int errno = Native.errno(state);
            if (errno == Errno.EINPROGRESS || errno == Errno.EINTR) {
                return false;
            }
            throw new ErrnoException("connect", errno);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * Completes a non-blocking connect once the socket is writable: returns if it connected, throws
     * the connect's error (ECONNREFUSED, ETIMEDOUT, ...) read from SO_ERROR otherwise.
     */
    public static void finishConnect(int fd) throws ErrnoException {
        int error = SocketOptions.pendingError(fd);
        if (error != 0) {
            throw new ErrnoException("connect", error);
        }
    }

    // ---------------------------------------------------------------- accept

    /**
     * Accepts a connection as a non-blocking, close-on-exec socket; {@code -1} if none is pending.
     * EINTR and ECONNABORTED (a connection reset before it was taken) are skipped.
     */
    public static int accept(int listenFd) throws ErrnoException {
        MemorySegment state = Native.threadCallState();
        for (;;) {
            int fd = accept(state, listenFd);
            if (fd >= 0) {
                return fd;
            }
            int errno = -fd;
            if (errno == Errno.EAGAIN) {
                return -1;
            }
            if (errno != Errno.EINTR && errno != Errno.ECONNABORTED) {
                throw new ErrnoException(ACCEPT4_OR_NULL != null ? "accept4" : "accept", errno);
            }
        }
    }

    /**
     * Hot-path accept: the new non-blocking, close-on-exec fd, or {@code -errno} ({@code
     * -EAGAIN} when nothing is pending). Uses accept4 where it exists, else accept and fcntl.
     */
    public static int accept(MemorySegment callState, int listenFd) {
        int fd;
        try {
            if (ACCEPT4_OR_NULL != null) {
                fd = (int) ACCEPT4_OR_NULL.invokeExact(callState, listenFd, 0L, 0L, C.sockNonblock() | C.sockCloexec());
                return Native.result(fd, callState);
            }
            fd = (int) ACCEPT.invokeExact(callState, listenFd, 0L, 0L);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        return fd < 0 ? Native.result(fd, callState) : configureAccepted(callState, fd);
    }

    /** The accept+fcntl fallback (macOS): flags accept4 would have set, and SO_NOSIGPIPE. */
    private static int configureAccepted(MemorySegment callState, int fd) {
        // A fresh socket has no other status flags, so F_SETFL needs no F_GETFL first.
        int rc = Libc.fcntl(callState, fd, C.fSetfl(), C.oNonblock());
        if (rc >= 0) {
            rc = Libc.fcntl(callState, fd, C.fSetfd(), C.fdCloexec());
        }
        if (rc >= 0 && C.soNosigpipe() != 0) {
            try {
                SocketOptions.setInt(fd, C.solSocket(), C.soNosigpipe(), 1);
            } catch (ErrnoException e) {
                rc = -e.errno();
            }
        }
        if (rc < 0) {
            try {
                Libc.close(fd);
            } catch (ErrnoException ignored) {
                // The fd is released either way; the fcntl error is the one to report.
            }
            return rc;
        }
        return fd;
    }

    // ---------------------------------------------------------------- addresses

    /** getsockname(2): the local address (with the port the kernel picked for port 0). */
    public static InetSocketAddress localAddress(int fd) throws ErrnoException {
        return name("getsockname", GETSOCKNAME, fd);
    }

    /** getpeername(2): the remote address; ENOTCONN if not connected. */
    public static InetSocketAddress remoteAddress(int fd) throws ErrnoException {
        return name("getpeername", GETPEERNAME, fd);
    }

    private static InetSocketAddress name(String call, MethodHandle handle, int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment addr = arena.allocate(SockAddr.STORAGE_SIZE);
            MemorySegment len = arena.allocate(JAVA_INT);
            len.set(JAVA_INT, 0, SockAddr.STORAGE_SIZE);
            MemorySegment state = Native.threadCallState();
            int rc = (int) handle.invokeExact(state, fd, addr, len);
            Native.check(call, rc, state);
            return SockAddr.read(addr);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** shutdown(2) with {@link #SHUT_RD}, {@link #SHUT_WR} or {@link #SHUT_RDWR}. */
    public static void shutdown(int fd, int how) throws ErrnoException {
        MemorySegment state = Native.threadCallState();
        int rc;
        try {
            rc = (int) SHUTDOWN.invokeExact(state, fd, how);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        Native.check("shutdown", rc, state);
    }

    // ---------------------------------------------------------------- hot path I/O

    /**
     * send(2) of {@code len} bytes at {@code address} with MSG_NOSIGNAL where the OS has it: bytes
     * sent, or {@code -errno} (EPIPE or ECONNRESET for a closed peer, never SIGPIPE).
     */
    public static long send(MemorySegment callState, int fd, long address, long len) {
        try {
            return Native.result((long) SEND.invokeExact(callState, fd, address, len, C.msgNosignal()), callState);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** recv(2) into {@code len} bytes at {@code address}: bytes read, 0 at EOF, or {@code -errno}. */
    public static long recv(MemorySegment callState, int fd, long address, long len) {
        try {
            return Native.result((long) RECV.invokeExact(callState, fd, address, len, 0), callState);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    // ---------------------------------------------------------------- helpers

    /** AF_INET for an IPv4 address, AF_INET6 for any other. */
    public static int familyOf(InetSocketAddress address) {
        if (address.getAddress() == null) {
            throw new IllegalArgumentException("Unresolved address: " + address);
        }
        return address.getAddress() instanceof Inet4Address ? C.afInet() : C.afInet6();
    }

    private static void closeQuietly(int fd, Exception cause) {
        try {
            Libc.close(fd);
        } catch (ErrnoException e) {
            cause.addSuppressed(e);
        }
    }
}
