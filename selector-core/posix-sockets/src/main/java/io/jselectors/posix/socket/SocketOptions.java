package io.jselectors.posix.socket;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import io.jselectors.posix.PosixConstants;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Socket options of the int fds {@link Sockets} makes: setsockopt(2) and getsockopt(2) of the
 * {@link SocketOption}s, SO_LINGER for a reset, and SO_ERROR for a finished connect. This class
 * owns those two handles, as {@link Sockets} owns the rest.
 *
 * {@snippet :
 * SocketOptions.set(fd, SocketOption.TCP_NODELAY, 1);
 * boolean v6only = SocketOptions.get(fd, SocketOption.IPV6_V6ONLY) != 0;
 * }
 *
 * <p>None of these calls is on a hot path: each allocates its small argument in a confined arena
 * and throws {@link ErrnoException} on failure.
 */
public final class SocketOptions {

    private SocketOptions() {}

    private static final PosixConstants C = Libc.C;

    private static final MethodHandle SETSOCKOPT = Native.downcall(
            "setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT = Native.downcall(
            "getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    /** setsockopt(2) of an int option; booleans are 1 or 0. */
    public static void set(int fd, SocketOption option, int value) throws ErrnoException {
        setInt(fd, option.level(C), option.optionName(C), value);
    }

    /** getsockopt(2) of an int option; booleans read as zero or non-zero. */
    public static int get(int fd, SocketOption option) throws ErrnoException {
        return getInt(fd, option.level(C), option.optionName(C));
    }

    /** Reads and clears SO_ERROR: the socket's pending error, 0 if none. */
    public static int pendingError(int fd) throws ErrnoException {
        return getInt(fd, C.solSocket(), C.soError());
    }

    /**
     * Sets SO_LINGER to {on, 0 s}: close(2) then drops unsent data and sends RST instead of FIN,
     * the way to reset a connection.
     */
    public static void setLingerZero(int fd) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            // struct linger { int l_onoff; int l_linger; } on Linux, macOS and FreeBSD.
            MemorySegment linger = arena.allocate(JAVA_INT, 2);
            linger.setAtIndex(JAVA_INT, 0, 1);
            linger.setAtIndex(JAVA_INT, 1, 0);
            MemorySegment state = Native.threadCallState();
            int rc = (int) SETSOCKOPT.invokeExact(state, fd, C.solSocket(), C.soLinger(), linger, (int) linger.byteSize());
            Native.check("setsockopt(SO_LINGER)", rc, state);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** setsockopt(2) of an int at {@code level}/{@code name} (numbers of this OS). */
    static void setInt(int fd, int level, int name, int value) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocateFrom(JAVA_INT, value);
            MemorySegment state = Native.threadCallState();
            int rc = (int) SETSOCKOPT.invokeExact(state, fd, level, name, v, (int) JAVA_INT.byteSize());
            Native.check("setsockopt", rc, state);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    private static int getInt(int fd, int level, int name) throws ErrnoException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT);
            MemorySegment len = arena.allocateFrom(JAVA_INT, (int) JAVA_INT.byteSize());
            MemorySegment state = Native.threadCallState();
            int rc = (int) GETSOCKOPT.invokeExact(state, fd, level, name, v, len);
            Native.check("getsockopt", rc, state);
            return v.get(JAVA_INT, 0);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }
}
