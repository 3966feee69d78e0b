package io.jselectors.kqueue;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The real kqueue system calls through the FFM API. This class links {@code kqueue} and {@code
 * kevent} when it is initialized, so only {@link KqueueSelectorProvider#open} touches it, and only
 * after the provider has found both symbols.
 *
 * <p>{@code kevent} is not linked {@code critical}: it blocks for the whole timeout. errno comes
 * from the calling thread's own call state, which keeps {@code wakeup()} from other threads apart
 * from the selecting thread.
 *
 * <p>The kqueue fd needs no close-on-exec flag: neither macOS nor FreeBSD hands a kqueue to a child
 * of fork(2), so no exec'd program can inherit it.
 */
final class Kqueue implements KqueueSyscalls {

    /** The one instance; it holds no state. */
    static final Kqueue INSTANCE = new Kqueue();

    private static final MethodHandle KQUEUE = Native.downcall("kqueue", FunctionDescriptor.of(JAVA_INT));
    // int kevent(int kq, const struct kevent *changelist, int nchanges,
    //            struct kevent *eventlist, int nevents, const struct timespec *timeout);
    private static final MethodHandle KEVENT = Native.downcall("kevent",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));

    private Kqueue() {}

    @Override
    public int kqueue() {
        MemorySegment state = Native.threadCallState();
        try {
            return Native.result((int) KQUEUE.invokeExact(state), state);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public int kevent(int kq, MemorySegment changes, int nchanges, MemorySegment events, int nevents,
            MemorySegment timeout) {
        MemorySegment state = Native.threadCallState();
        try {
            // SAFETY: the kernel reads nchanges structs from changes and writes at most nevents into
            // events. KqueueSelector allocates both from its arena for at least that many entries
            // of its KeventAbi's size (MAX_CHANGES, eventCapacity) and keeps them reachable while
            // the call runs; timeout is NULL or a live 16-byte timespec.
            return Native.result((int) KEVENT.invokeExact(state, kq, changes, nchanges, events, nevents, timeout), state);
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    @Override
    public void close(int fd) {
        try {
            Libc.close(fd);
        } catch (ErrnoException ignored) {
            // EBADF or EIO on a kqueue fd: it is released either way, and close() must not fail.
        }
    }
}
