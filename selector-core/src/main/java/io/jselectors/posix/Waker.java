package io.jselectors.posix;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What every selector's {@code wakeup()} does, written once: coalescing and the close rule. The
 * kernel mechanism is a small {@link Signal} (an eventfd, a self-pipe, kqueue's {@code
 * EVFILT_USER}); this class decides when it is raised.
 *
 * <ul>
 *   <li><b>Coalescing.</b> The first {@link #wakeup()} after a {@link #reset} raises the signal;
 *       later ones only see the pending flag, so a thread calling {@code wakeup()} in a loop costs
 *       one system call per select, not one per call, and a pipe never fills.
 *   <li><b>Close.</b> A raise and {@link #close()} are ordered by a lock, and nothing is raised
 *       after close: the signal's fd number may already belong to another file by then, and a
 *       wakeup must never write into it.
 * </ul>
 *
 * <p>Only {@link #wakeup()} and {@link #close()} are thread-safe; {@link #reset} is for the
 * selecting thread, called when its wait reported the signal.
 *
 * <p>Cost: a volatile read per {@code wakeup()} while one is pending; otherwise a CAS, an
 * uncontended lock and the signal's system call.
 */
public final class Waker implements Closeable {

    /** The kernel side of a wakeup. */
    public interface Signal {

        /** The call named in an error, e.g. {@code "write(eventfd)"}. */
        String call();

        /**
         * Makes the selector's wait return, from any thread: 0 (or any non-negative count) or
         * {@code -errno}. Called at most once per {@link #reset}, under the waker's lock, never
         * after {@link #release()}. EAGAIN counts as raised (the signal is already full).
         */
        int raise();

        /** Lowers the signal again (drains the pipe or the counter); the selecting thread only. */
        void reset(MemorySegment callState);

        /** Frees the kernel objects; called once, after the last possible {@link #raise()}. */
        void release() throws IOException;
    }

    private final Signal signal;
    /** Set by the first {@link #wakeup()} after a reset, cleared by {@link #reset}. */
    private final AtomicBoolean pending = new AtomicBoolean();
    /** Orders a raise against close, so a raise never reaches a closed (reused) fd number. */
    private final Object lock = new Object();
    private boolean closed; // guarded by lock

    /** Wraps {@code signal}; this waker now owns it and releases it on {@link #close()}. */
    public Waker(Signal signal) {
        this.signal = signal;
    }

    /**
     * Makes the current or next select return, unless a wakeup is already pending. Any thread;
     * does nothing after {@link #close()}.
     *
     * @throws UncheckedIOException if the kernel refused the signal (not for EAGAIN)
     */
    public void wakeup() {
        if (pending.get() || !pending.compareAndSet(false, true)) {
            return;
        }
        int rc;
        synchronized (lock) {
            if (closed) {
                return;
            }
            rc = signal.raise();
        }
        if (rc < 0 && -rc != Errno.EAGAIN) {
            pending.set(false);
            throw new UncheckedIOException(new ErrnoException(signal.call(), -rc));
        }
    }

    /**
     * The selecting thread saw the signal: lower it and re-arm {@link #wakeup()}.
     *
     * <p>The flag is cleared after the signal is lowered: a wakeup landing in between is folded into
     * this select, which is returning anyway. Cleared first, that wakeup's raise could be drained
     * here while its flag stayed set, and every later wakeup would be silent.
     */
    public void reset(MemorySegment callState) {
        signal.reset(callState);
        pending.set(false);
    }

    /** Whether a wakeup has been raised and not yet reset (for tests). */
    public boolean isPending() {
        return pending.get();
    }

    /** Stops all later raises, then releases the signal. Idempotent. */
    @Override
    public void close() throws IOException {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        signal.release();
    }
}
