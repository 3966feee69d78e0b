package io.jselectors.selector.poll;

import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.jselectors.posix.Native;
import io.jselectors.posix.Platform;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * poll(2): the handle, {@code struct pollfd} and the event bits. The only class of this backend
 * that touches native code.
 *
 * {@snippet lang=c :
 * struct pollfd { int fd; short events; short revents; };   // 8 bytes everywhere
 * int poll(struct pollfd *fds, nfds_t nfds, int timeout);
 * }
 *
 * <p>The event bits are the same on Linux ({@code asm-generic/poll.h}), macOS and FreeBSD ({@code
 * sys/poll.h}). {@code nfds_t} is not: {@code unsigned long} on Linux, {@code unsigned int} on macOS
 * and FreeBSD, so the handle is linked with the OS's width and adapted to take a {@code long}.
 */
final class Poll {

    private Poll() {}

    static final short POLLIN = 0x0001;
    static final short POLLOUT = 0x0004;
    static final short POLLERR = 0x0008;
    static final short POLLHUP = 0x0010;
    static final short POLLNVAL = 0x0020;

    static final StructLayout POLLFD = structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));

    static final long SIZE = POLLFD.byteSize();
    static final long FD = POLLFD.byteOffset(PathElement.groupElement("fd"));
    static final long EVENTS = POLLFD.byteOffset(PathElement.groupElement("events"));
    static final long REVENTS = POLLFD.byteOffset(PathElement.groupElement("revents"));

    /** The layout of {@code nfds_t} on {@code platform}. */
    static ValueLayout nfdsLayout(Platform platform) {
        return platform == Platform.LINUX ? JAVA_LONG : JAVA_INT;
    }

    // Not critical: poll blocks, and a critical call would hold off safepoints while it waits.
    private static final MethodHandle POLL = link();

    private static MethodHandle link() {
        ValueLayout nfds = nfdsLayout(Platform.current());
        MethodHandle raw = Native.downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, nfds, JAVA_INT));
        // (state, fds, long nfds, timeout); a long-to-int cast on the BSDs, where nfds fits an int.
        return MethodHandles.explicitCastArguments(raw, MethodType.methodType(
                int.class, MemorySegment.class, MemorySegment.class, long.class, int.class));
    }

    /** poll(2) on the first {@code nfds} structs of {@code fds}: the ready count, or {@code -errno}. */
    static int poll(MemorySegment callState, MemorySegment fds, int nfds, int timeoutMillis) {
        try {
            return Native.result((int) POLL.invokeExact(callState, fds, (long) nfds, timeoutMillis), callState);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static void set(MemorySegment fds, int index, int fd, short events) {
        long base = index * SIZE;
        fds.set(JAVA_INT, base + FD, fd);
        fds.set(JAVA_SHORT, base + EVENTS, events);
        fds.set(JAVA_SHORT, base + REVENTS, (short) 0);
    }

    static int fd(MemorySegment fds, int index) {
        return fds.get(JAVA_INT, index * SIZE + FD);
    }

    static int revents(MemorySegment fds, int index) {
        return Short.toUnsignedInt(fds.get(JAVA_SHORT, index * SIZE + REVENTS));
    }
}
