package io.jselectors.kqueue;

import java.lang.foreign.MemorySegment;

/**
 * The three system calls {@link KqueueSelector} makes, and nothing else: the seam between the
 * translation logic (which runs and is tested everywhere, against a fake kernel) and the FFM
 * downcalls (which exist only on macOS and FreeBSD). {@link Kqueue} is the real one.
 *
 * <p>Failures come back as {@code -errno}, so the selector decides what each errno means and no
 * exception is built on the select path.
 */
interface KqueueSyscalls {

    /** kqueue(2): a new kqueue fd, or {@code -errno}. */
    int kqueue();

    /**
     * kevent(2): applies {@code nchanges} {@code struct kevent}s from {@code changes}, then waits up
     * to {@code timeout} and fills at most {@code nevents} entries of {@code events}.
     *
     * <p>Only {@link #kevent} with {@code nevents == 0} and a zero timeout may be called from a
     * thread other than the selector's (for {@code wakeup()}).
     *
     * @param timeout a {@code struct timespec}, or {@link MemorySegment#NULL} to wait without limit
     * @return the number of entries written to {@code events}, or {@code -errno}
     */
    int kevent(int kq, MemorySegment changes, int nchanges, MemorySegment events, int nevents, MemorySegment timeout);

    /** close(2), for the kqueue fd; errors are ignored, as the fd is gone either way. */
    void close(int fd);
}
