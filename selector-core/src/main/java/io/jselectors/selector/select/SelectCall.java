package io.jselectors.selector.select;

import static java.lang.foreign.MemoryLayout.paddingLayout;
import static java.lang.foreign.MemoryLayout.structLayout;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.jselectors.posix.Native;
import io.jselectors.posix.Platform;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * select(2): the handle, {@code fd_set} and {@code struct timeval}. The only class of this backend
 * that touches native code.
 *
 * {@snippet lang=c :
 * int select(int nfds, fd_set *readfds, fd_set *writefds, fd_set *exceptfds, struct timeval *timeout);
 * }
 *
 * <h2>fd_set</h2>
 * {@code FD_SETSIZE} is 1024 on Linux, macOS and FreeBSD, so an {@code fd_set} is a 128-byte bit
 * set. Its word type differs: glibc's {@code __fd_mask} is {@code long}, macOS's {@code fds_bits}
 * is {@code int32_t[32]}, FreeBSD's {@code __fd_mask} is {@code unsigned long}. On a little-endian
 * CPU (x86_64, arm64, the only ones we run on) the bit for fd {@code n} is bit {@code n % 8} of
 * byte {@code n / 8} whatever the word size, so one little-endian 64-bit view serves all three; the
 * provider refuses big-endian machines.
 *
 * <h2>struct timeval</h2>
 * 16 bytes everywhere: {@code time_t tv_sec} (8), then {@code suseconds_t tv_usec}, a {@code long}
 * on Linux and FreeBSD but an {@code int} plus 4 bytes of padding on macOS.
 */
final class SelectCall {

    private SelectCall() {}

    /** The highest fd plus one that an {@code fd_set} can hold. */
    static final int FD_SETSIZE = 1024;

    /** {@code sizeof(fd_set)}. */
    static final long FD_SET_BYTES = FD_SETSIZE / 8;

    /** Linux and FreeBSD {@code struct timeval}. */
    static final StructLayout TIMEVAL_LONG_USEC = structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_usec"));

    /** macOS {@code struct timeval}: {@code __darwin_suseconds_t} is an {@code int32_t}. */
    static final StructLayout TIMEVAL_INT_USEC = structLayout(
            JAVA_LONG.withName("tv_sec"), JAVA_INT.withName("tv_usec"), paddingLayout(4));

    static StructLayout timevalLayout(Platform platform) {
        return platform == Platform.MACOS ? TIMEVAL_INT_USEC : TIMEVAL_LONG_USEC;
    }

    static final StructLayout TIMEVAL = timevalLayout(Platform.current());
    private static final boolean INT_USEC = TIMEVAL == TIMEVAL_INT_USEC;
    private static final long TV_USEC = TIMEVAL.byteOffset(PathElement.groupElement("tv_usec"));

    // Not critical: select blocks, and a critical call would hold off safepoints while it waits.
    // Pointers are passed as longs (as in Libc): with four segment arguments the downcall's
    // unboxing was not optimized away and allocated on every call.
    private static final MethodHandle SELECT = Native.downcall("select",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));

    /**
     * select(2) with no exception set: the ready count (bits set in both sets together), or {@code
     * -errno}. {@code timeval} is {@link MemorySegment#NULL} to wait forever.
     */
    static int select(MemorySegment callState, int nfds, MemorySegment read, MemorySegment write,
            MemorySegment timeval) {
        if (read.byteSize() < FD_SET_BYTES || write.byteSize() < FD_SET_BYTES
                || (!timeval.equals(MemorySegment.NULL) && timeval.byteSize() < TIMEVAL.byteSize())) {
            throw new IllegalArgumentException("fd_set or timeval segment too small");
        }
        try {
            // SAFETY: read and write are at least FD_SET_BYTES long and timeval is NULL or a whole
            // struct timeval (checked above); the caller keeps them alive across the call, and the
            // kernel touches no more than that (nfds <= FD_SETSIZE is the caller's invariant).
            return Native.result(
                    (int) SELECT.invokeExact(callState, nfds, read.address(), write.address(), 0L, timeval.address()),
                    callState);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    static void setTimeval(MemorySegment timeval, long seconds, int micros) {
        timeval.set(JAVA_LONG, 0, seconds);
        if (INT_USEC) {
            timeval.set(JAVA_INT, TV_USEC, micros);
        } else {
            timeval.set(JAVA_LONG, TV_USEC, micros);
        }
    }

    /** Sets or clears fd's bit in a 128-byte {@code fd_set}. */
    static void setBit(MemorySegment set, int fd, boolean on) {
        long offset = (long) (fd >>> 6) * Long.BYTES;
        long word = set.get(JAVA_LONG, offset);
        long bit = 1L << (fd & 63);
        set.set(JAVA_LONG, offset, on ? word | bit : word & ~bit);
    }

    /** The 64-bit word {@code index} of an {@code fd_set}: fds {@code 64*index} to {@code 64*index+63}. */
    static long word(MemorySegment set, int index) {
        return set.getAtIndex(JAVA_LONG, index);
    }
}
