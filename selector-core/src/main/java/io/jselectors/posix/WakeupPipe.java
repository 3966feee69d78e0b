package io.jselectors.posix;

import java.io.Closeable;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The self-pipe that wakes a selector blocked in poll(2) or select(2): the selector watches {@link
 * #readFd()} for READ, {@link #wakeup()} writes a byte into the other end from any thread.
 *
 * <p>Wakeups coalesce: the first one after a drain writes one byte, later ones only see the pending
 * flag, so a thread calling {@code wakeup()} in a loop costs one write per select, not one per call,
 * and the pipe never fills. Both ends are non-blocking and close-on-exec.
 *
 * <p>Not for the selecting thread's hot path beyond {@link #drain}: call it when {@link #readFd()}
 * is reported readable.
 */
public final class WakeupPipe implements Closeable {

    /** The byte {@link #wakeup()} writes; a global segment, never freed and never written again. */
    private static final MemorySegment WAKE_BYTE = Arena.global().allocate(1);

    /** Bytes read per drain call: more than coalesced wakeups can ever leave in the pipe. */
    private static final int DRAIN_BYTES = 64;

    private final int readFd;
    private final int writeFd;
    // Automatic arena: the buffer lives as long as this object, and only the selecting thread uses it.
    private final MemorySegment drainBuffer = Arena.ofAuto().allocate(DRAIN_BYTES);

    /** Set by the first {@link #wakeup()} after a drain, cleared by {@link #drain}. */
    private final AtomicBoolean pending = new AtomicBoolean();
    /** Orders a wakeup's write against close, so a write never hits a closed (reused) fd number. */
    private final Object lock = new Object();
    private boolean closed; // guarded by lock

    /** Creates the pipe. */
    public WakeupPipe() throws ErrnoException {
        int[] fds = Libc.pipe();
        readFd = fds[0];
        writeFd = fds[1];
    }

    /** The end the selector watches for READ. */
    public int readFd() {
        return readFd;
    }

    /** Makes the pipe readable until the next {@link #drain}, unless it already is. Any thread. */
    public void wakeup() {
        if (pending.get() || !pending.compareAndSet(false, true)) {
            return;
        }
        long rc;
        synchronized (lock) {
            if (closed) {
                return;
            }
            // SAFETY: WAKE_BYTE is one byte of the global arena, alive for the whole process;
            // write(2) reads exactly that byte.
            rc = Libc.write(Native.threadCallState(), writeFd, WAKE_BYTE.address(), 1);
        }
        // EAGAIN: the pipe is full of earlier wakeups, so the selector wakes up anyway.
        if (rc < 0 && -rc != Errno.EAGAIN) {
            pending.set(false);
            throw new UncheckedIOException(new ErrnoException("write(wakeup pipe)", (int) -rc));
        }
    }

    /**
     * Empties the pipe and re-arms {@link #wakeup()}; the selecting thread calls it when {@link
     * #readFd()} is readable.
     */
    public void drain(MemorySegment callState) {
        // SAFETY: drainBuffer is DRAIN_BYTES long and lives as long as this object; read(2) writes
        // at most DRAIN_BYTES into it. Bounded: each round takes up to 64 of the few bytes there are.
        for (int i = 0; i < 16; i++) {
            long n = Libc.read(callState, readFd, drainBuffer.address(), DRAIN_BYTES);
            if (n < DRAIN_BYTES) {
                break;
            }
        }
        // Cleared after the drain: a wakeup landing in between is folded into this select, which is
        // returning anyway. Cleared before, its byte could be drained while the flag stays set,
        // and every later wakeup would be silent.
        pending.set(false);
    }

    /** Closes both ends; later wakeups do nothing. Idempotent. */
    @Override
    public void close() throws ErrnoException {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        try {
            Libc.close(writeFd);
        } finally {
            Libc.close(readFd);
        }
    }
}
