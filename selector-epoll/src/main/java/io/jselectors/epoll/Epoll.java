package io.jselectors.epoll;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Native;
import io.jselectors.posix.Platform;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;

/**
 * The Linux-only system calls of the epoll backend: {@code epoll_create1}, {@code epoll_ctl},
 * {@code epoll_wait} and {@code eventfd}, their constants and the {@code struct epoll_event}
 * layout. Nothing else in this package links native code; everything shared with other backends
 * (close, read, write, errno) comes from {@code io.jselectors.posix}.
 *
 * <p>The class links its handles when it is initialized, so it must only be touched once {@link
 * EpollSelectorProvider} has checked that this is Linux and that the symbols exist. That is why the
 * list of symbols lives in the provider ({@link EpollSelectorProvider#SYMBOLS}), not here: reading
 * a field of this class would initialize it, and a missing symbol would surface as an {@link
 * ExceptionInInitializerError} instead of the provider's reason.
 *
 * <p>Sources: Linux {@code include/uapi/linux/eventpoll.h}, {@code include/uapi/linux/eventfd.h}
 * (via {@code O_CLOEXEC}/{@code O_NONBLOCK} of {@code asm-generic/fcntl.h}), and the man pages
 * epoll_ctl(2), epoll_wait(2), eventfd(2).
 */
final class Epoll {

    private Epoll() {}

    /** Readable (or a listener has a connection to accept). */
    static final int EPOLLIN = 0x001;
    /** Writable. */
    static final int EPOLLOUT = 0x004;
    /** Error condition; always reported, need not be asked for. */
    static final int EPOLLERR = 0x008;
    /** Hang-up; always reported, need not be asked for. */
    static final int EPOLLHUP = 0x010;
    /** The peer shut down its sending side (asked for; reported with EPOLLIN once its FIN is queued). */
    static final int EPOLLRDHUP = 0x2000;
    /** Edge-triggered: report a change of readiness once, not the state for as long as it lasts. */
    static final int EPOLLET = 1 << 31;

    /** {@code epoll_ctl} operation: add an fd to the set. */
    static final int EPOLL_CTL_ADD = 1;
    /** {@code epoll_ctl} operation: remove an fd from the set. */
    static final int EPOLL_CTL_DEL = 2;
    /** {@code epoll_ctl} operation: change the events of an fd in the set. */
    static final int EPOLL_CTL_MOD = 3;

    /** {@code epoll_create1} flag, = O_CLOEXEC: a child process must not inherit the set. */
    static final int EPOLL_CLOEXEC = 0x80000;
    /** {@code eventfd} flag, = O_CLOEXEC. */
    static final int EFD_CLOEXEC = 0x80000;
    /** {@code eventfd} flag, = O_NONBLOCK: a drain of an empty counter returns EAGAIN. */
    static final int EFD_NONBLOCK = 0x800;

    /**
     * {@code struct epoll_event { uint32_t events; epoll_data_t data; }} where the kernel declares
     * it {@code __attribute__((packed))}: x86_64 only, so the 64-bit data sits at offset 4 and the
     * struct is 12 bytes. The data field must be read unaligned.
     */
    static final StructLayout PACKED_EVENT = MemoryLayout.structLayout(
                    JAVA_INT.withName("events"), JAVA_LONG_UNALIGNED.withName("data"))
            .withName("epoll_event");

    /**
     * {@code struct epoll_event} with natural alignment, every other 64-bit ABI (aarch64 among
     * them): 4 bytes of padding after {@code events}, data at offset 8, 16 bytes in all.
     */
    static final StructLayout ALIGNED_EVENT = MemoryLayout.structLayout(
                    JAVA_INT.withName("events"), MemoryLayout.paddingLayout(4), JAVA_LONG.withName("data"))
            .withName("epoll_event");

    /** The layout of this CPU's ABI. */
    static final StructLayout EVENT = eventLayout(Platform.isX86_64());

    /** Bytes per {@code struct epoll_event}: the stride of the events array. */
    static final long EVENT_SIZE = EVENT.byteSize();

    /** Offset of {@code events} (0 on every ABI). */
    static final long EVENTS_OFFSET = EVENT.byteOffset(MemoryLayout.PathElement.groupElement("events"));

    /** Offset of {@code data}: 4 on x86_64, 8 elsewhere. */
    static final long DATA_OFFSET = EVENT.byteOffset(MemoryLayout.PathElement.groupElement("data"));

    /** The layout for an ABI that packs the struct ({@code true}: x86_64) or aligns it. */
    static StructLayout eventLayout(boolean packed) {
        return packed ? PACKED_EVENT : ALIGNED_EVENT;
    }

    private static final MethodHandle EPOLL_CREATE1 =
            Native.downcall("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    // epoll_ctl never blocks, so it may skip the thread-state transition.
    private static final MethodHandle EPOLL_CTL = Native.downcallCritical(
            "epoll_ctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    // A blocking wait must not be critical: the thread would hold up every safepoint while it sleeps.
    // Nor does it capture errno: a capturing call that is not critical costs a heap object per call
    // (Native.downcallWithoutErrno); await learns a failure's errno by repeating it as a poll.
    private static final MethodHandle EPOLL_WAIT = Native.downcallWithoutErrno(
            "epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    // The same call with timeout 0 returns at once, so that form may be critical (and capture errno).
    private static final MethodHandle EPOLL_WAIT_NOW = Native.downcallCritical(
            "epoll_wait", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle EVENTFD =
            Native.downcall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));

    /** {@code epoll_create1(EPOLL_CLOEXEC)}: a new epoll set. */
    static int create() throws ErrnoException {
        MemorySegment state = Native.threadCallState();
        try {
            return Native.check("epoll_create1", (int) EPOLL_CREATE1.invokeExact(state, EPOLL_CLOEXEC), state);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** {@code eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)}: a counter to wake the selector with. */
    static int eventfd() throws ErrnoException {
        MemorySegment state = Native.threadCallState();
        try {
            return Native.check("eventfd", (int) EVENTFD.invokeExact(state, 0, EFD_NONBLOCK | EFD_CLOEXEC), state);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * {@code epoll_ctl(epfd, op, fd, event)}: 0, or {@code -errno}.
     *
     * @param event one {@link #EVENT}, filled by {@link #set}; ignored by {@link #EPOLL_CTL_DEL}
     */
    static int ctl(MemorySegment callState, int epfd, int op, int fd, MemorySegment event) {
        try {
            return Native.result((int) EPOLL_CTL.invokeExact(callState, epfd, op, fd, event), callState);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /**
     * {@code epoll_wait} into {@code maxEvents} structs at {@code events}: the number filled, or
     * {@code -errno}. A zero timeout takes the critical handle; any other the ordinary one, which
     * captures no errno: when that wait fails, a poll of the set tells why (its errno, or {@code
     * -EINTR} when it succeeds with nothing ready; with events ready it returns them).
     *
     * @param timeoutMillis -1 blocks, 0 polls
     */
    static int await(MemorySegment callState, int epfd, MemorySegment events, int maxEvents, int timeoutMillis) {
        try {
            if (timeoutMillis != 0) {
                // SAFETY: events is the caller's live array of maxEvents structs, owned by its selector.
                int n = (int) EPOLL_WAIT.invokeExact(epfd, events, maxEvents, timeoutMillis);
                if (n >= 0) {
                    return n;
                }
                // Failed, errno not captured (nor readable now: the JVM may have made calls of its
                // own on the way back). epoll_wait fails with EINTR, which passes, or with EBADF,
                // EFAULT or EINVAL, which a poll of the same set repeats with its errno captured.
                int polled = (int) EPOLL_WAIT_NOW.invokeExact(callState, epfd, events, maxEvents, 0);
                return polled == 0 ? -Errno.EINTR : Native.result(polled, callState);
            }
            // SAFETY: as above.
            return Native.result((int) EPOLL_WAIT_NOW.invokeExact(callState, epfd, events, maxEvents, 0), callState);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Fills one {@code struct epoll_event}. */
    static void set(MemorySegment event, int events, long data) {
        event.set(JAVA_INT, EVENTS_OFFSET, events);
        event.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, data);
    }

    /** The {@code events} field of the {@code index}th struct of an array. */
    static int events(MemorySegment array, int index) {
        return array.get(JAVA_INT, index * EVENT_SIZE + EVENTS_OFFSET);
    }

    /** The {@code data} field of the {@code index}th struct of an array. */
    static long data(MemorySegment array, int index) {
        return array.get(JAVA_LONG_UNALIGNED, index * EVENT_SIZE + DATA_OFFSET);
    }
}
