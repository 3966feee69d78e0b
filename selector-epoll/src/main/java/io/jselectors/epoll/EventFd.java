package io.jselectors.epoll;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import io.jselectors.posix.Waker;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The eventfd signal of the epoll selector's {@link Waker}: a raise adds 1 to the counter (the fd
 * turns readable), a reset reads the counter back to 0. Non-blocking and close-on-exec; one fd
 * instead of a pipe's two.
 */
final class EventFd implements Waker.Signal {

    /** The 8-byte counter increment a raise writes; shared, never changed. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(JAVA_LONG, 1L);

    private final int fd;
    // Automatic arena: lives as long as this object; only the selecting thread reads into it.
    private final MemorySegment drainBuffer = Arena.ofAuto().allocate(JAVA_LONG);

    EventFd() throws ErrnoException {
        fd = Epoll.eventfd();
    }

    /** The fd the selector watches for READ. */
    int fd() {
        return fd;
    }

    @Override
    public String call() {
        return "write(eventfd)";
    }

    @Override
    public int raise() {
        // SAFETY: ONE is an 8-byte segment of the global arena, never freed or written again, and
        // write(2) reads exactly 8 bytes from it.
        return (int) Libc.write(Native.threadCallState(), fd, ONE.address(), Long.BYTES);
    }

    @Override
    public void reset(MemorySegment callState) {
        // SAFETY: drainBuffer is 8 bytes and lives as long as this object; read(2) writes at most 8.
        // One read empties the counter, whatever it had reached.
        Libc.read(callState, fd, drainBuffer.address(), Long.BYTES);
    }

    @Override
    public void release() throws ErrnoException {
        Libc.close(fd);
    }
}
