package io.jselectors.posix;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * The C library calls every backend and the server share: file descriptors, pipes and non-blocking
 * I/O. One class owns these handles; callers never link libc themselves.
 *
 * <p>Two forms. The hot-path form ({@link #read(MemorySegment, int, long, long)}, {@link #write},
 * ...) takes the caller's call state and a raw buffer address and returns the C result, or
 * {@code -errno} on failure, so nothing is allocated and no exception is built for EAGAIN. The
 * cold-path form ({@link #close(int)}, {@link #pipe()}, ...) throws {@link ErrnoException}.
 *
 * <p>Buffer pointers on the hot path are passed as {@code long} addresses ({@code JAVA_LONG} in
 * the descriptor): on the 64-bit ABIs we support a pointer argument is passed exactly like a
 * 64-bit integer, and a long avoids wrapping every netty {@code memoryAddress()} in a segment.
 */
public final class Libc {

    private Libc() {}

    private static final MethodHandle CLOSE = Native.downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ =
            Native.downcallCritical("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle WRITE =
            Native.downcallCritical("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle READV =
            Native.downcallCritical("readv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    private static final MethodHandle WRITEV =
            Native.downcallCritical("writev", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    // fcntl is variadic: the third argument must be passed as a variadic int (it matters on arm64 macOS).
    private static final MethodHandle FCNTL = Native.downcall(
            "fcntl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle DUP = Native.downcall("dup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle DUP2 = Native.downcall("dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    /**
     * Handles made on first use (the holder idiom): an epoll server never calls them, and a handle
     * whose signature no other handle shares costs the JVM a spun stub class and ~10 LambdaForms
     * at start, which the JDK 25 AOT cache does not keep.
     */
    private static final class Pipes {
        static final MethodHandle PIPE = Native.downcall("pipe", FunctionDescriptor.of(JAVA_INT, ADDRESS));
        static final Optional<MethodHandle> PIPE2 =
                Native.downcallIfPresent("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
        static final MethodHandle SOCKETPAIR =
                Native.downcall("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    }

    /** strerror, made on the first error message (see {@link Pipes} for why). */
    private static final class Strerror {
        static final MethodHandle STRERROR = Linker.nativeLinker()
                .downcallHandle(Native.find("strerror").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));
    }

    /** Constants of this OS used by the calls here. */
    public static final PosixConstants C = PosixConstants.current();

    // ---------------------------------------------------------------- hot path: -errno on failure

    /** read(2) into {@code len} bytes at {@code address}: bytes read, 0 at EOF, or {@code -errno}. */
    public static long read(MemorySegment callState, int fd, long address, long len) {
        try {
            return Native.result((long) READ.invokeExact(callState, fd, address, len), callState);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** write(2) of {@code len} bytes at {@code address}: bytes written or {@code -errno}. */
    public static long write(MemorySegment callState, int fd, long address, long len) {
        try {
            return Native.result((long) WRITE.invokeExact(callState, fd, address, len), callState);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** readv(2) into {@code count} {@code struct iovec}s at {@code iov}: bytes read or {@code -errno}. */
    public static long readv(MemorySegment callState, int fd, long iov, int count) {
        try {
            return Native.result((long) READV.invokeExact(callState, fd, iov, count), callState);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** writev(2) of {@code count} {@code struct iovec}s at {@code iov}: bytes written or {@code -errno}. */
    public static long writev(MemorySegment callState, int fd, long iov, int count) {
        try {
            return Native.result((long) WRITEV.invokeExact(callState, fd, iov, count), callState);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** fcntl(2) with an int argument: the result, or {@code -errno}. */
    public static int fcntl(MemorySegment callState, int fd, int cmd, int arg) {
        try {
            return Native.result((int) FCNTL.invokeExact(callState, fd, cmd, arg), callState);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    // ---------------------------------------------------------------- cold path: exceptions

    /** close(2). EINTR is not retried: on Linux and the BSDs the fd is released either way. */
    public static void close(int fd) throws ErrnoException {
        MemorySegment state = Native.threadCallState();
        int rc;
        try {
            rc = (int) CLOSE.invokeExact(state, fd);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
        if (rc < 0) {
            int errno = Native.errno(state);
            if (errno != Errno.EINTR) {
                throw new ErrnoException("close", errno);
            }
        }
    }

    /** A non-blocking, close-on-exec pipe: {@code [readEnd, writeEnd]}. */
    public static int[] pipe() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            MemorySegment state = Native.threadCallState();
            int rc;
            if (Pipes.PIPE2.isPresent()) {
                rc = (int) Pipes.PIPE2.get().invokeExact(state, fds, C.oNonblock() | C.oCloexec());
            } else {
                rc = (int) Pipes.PIPE.invokeExact(state, fds);
            }
            Native.check(Pipes.PIPE2.isPresent() ? "pipe2" : "pipe", rc, state);
            int[] result = {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
            if (Pipes.PIPE2.isEmpty()) {
                for (int fd : result) {
                    setNonBlocking(fd, true);
                    setCloseOnExec(fd);
                }
            }
            return result;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** A connected, non-blocking, close-on-exec AF_UNIX stream socket pair. */
    public static int[] socketPair() throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            MemorySegment state = Native.threadCallState();
            int type = C.sockStream() | C.sockNonblock() | C.sockCloexec();
            int rc = (int) Pipes.SOCKETPAIR.invokeExact(state, C.afUnix(), type, 0, fds);
            Native.check("socketpair", rc, state);
            int[] result = {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
            if (C.sockNonblock() == 0) { // macOS has no SOCK_NONBLOCK/SOCK_CLOEXEC flags
                for (int fd : result) {
                    setNonBlocking(fd, true);
                    setCloseOnExec(fd);
                }
            }
            return result;
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** fcntl(2) with an int argument. */
    public static int fcntl(int fd, int cmd, int arg) throws ErrnoException {
        MemorySegment state = Native.threadCallState();
        try {
            return Native.check("fcntl", (int) FCNTL.invokeExact(state, fd, cmd, arg), state);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Sets or clears O_NONBLOCK. */
    public static void setNonBlocking(int fd, boolean on) throws ErrnoException {
        int flags = fcntl(fd, C.fGetfl(), 0);
        int wanted = on ? flags | C.oNonblock() : flags & ~C.oNonblock();
        if (wanted != flags) {
            fcntl(fd, C.fSetfl(), wanted);
        }
    }

    /** Sets FD_CLOEXEC. */
    public static void setCloseOnExec(int fd) throws ErrnoException {
        fcntl(fd, C.fSetfd(), fcntl(fd, C.fGetfd(), 0) | C.fdCloexec());
    }

    /** dup(2). */
    public static int dup(int fd) throws ErrnoException {
        return checked("dup", DUP, fd);
    }

    /** dup2(2): makes {@code newFd} refer to what {@code oldFd} refers to. */
    public static int dup2(int oldFd, int newFd) throws ErrnoException {
        MemorySegment state = Native.threadCallState();
        try {
            return Native.check("dup2", (int) DUP2.invokeExact(state, oldFd, newFd), state);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Writes all of {@code bytes} to a (possibly non-blocking) fd; for tests and examples. */
    public static int write(int fd, byte[] bytes) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, bytes);
            long n = write(Native.threadCallState(), fd, buf.address(), bytes.length);
            if (n < 0) {
                throw new ErrnoException("write", (int) -n);
            }
            return (int) n;
        }
    }

    /**
     * Reads up to {@code max} bytes; returns them, an empty array at EOF, or {@code null} if the fd
     * is non-blocking and has nothing (EAGAIN). For tests and examples.
     */
    public static byte[] read(int fd, int max) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(Math.max(1, max));
            long n = read(Native.threadCallState(), fd, buf.address(), max);
            if (n == -Errno.EAGAIN) {
                return null;
            }
            if (n < 0) {
                throw new ErrnoException("read", (int) -n);
            }
            return buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
        }
    }

    /** The OS's text for an errno. */
    public static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) Strerror.STRERROR.invokeExact(errno);
            // SAFETY: strerror returns a NUL-terminated static string that lives as long as the
            // process; we read it at once up to its NUL, so the unbounded reinterpret is not used
            // beyond the string.
            return text.equals(MemorySegment.NULL) ? "errno " + errno : text.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static int checked(String call, MethodHandle handle, int arg) throws ErrnoException {
        MemorySegment state = Native.threadCallState();
        try {
            return Native.check(call, (int) handle.invokeExact(state, arg), state);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
