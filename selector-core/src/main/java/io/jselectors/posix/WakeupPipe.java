package io.jselectors.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The self-pipe signal of a {@link Waker}, for selectors built on poll(2) or select(2): the selector
 * watches {@link #readFd()} for READ; a raise writes one byte into the other end, a reset reads the
 * pipe empty. Both ends are non-blocking and close-on-exec.
 */
public final class WakeupPipe implements Waker.Signal {

    /** The byte a raise writes; a global segment, never freed and never written again. */
    private static final MemorySegment WAKE_BYTE = Arena.global().allocate(1);

    /** Bytes read per drain call: more than coalesced wakeups can ever leave in the pipe. */
    private static final int DRAIN_BYTES = 64;

    /** Read calls per reset at most: the pipe holds one byte per raise, and raises coalesce. */
    private static final int MAX_DRAIN_READS = 16;

    private final int readFd;
    private final int writeFd;
    // Automatic arena: the buffer lives as long as this object, and only the selecting thread uses it.
    private final MemorySegment drainBuffer = Arena.ofAuto().allocate(DRAIN_BYTES);

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

    @Override
    public String call() {
        return "write(wakeup pipe)";
    }

    @Override
    public int raise() {
        // SAFETY: WAKE_BYTE is one byte of the global arena, alive for the whole process;
        // write(2) reads exactly that byte.
        return (int) Libc.write(Native.threadCallState(), writeFd, WAKE_BYTE.address(), 1);
    }

    @Override
    public void reset(MemorySegment callState) {
        // SAFETY: drainBuffer is DRAIN_BYTES long and lives as long as this object; read(2) writes
        // at most DRAIN_BYTES into it.
        for (int i = 0; i < MAX_DRAIN_READS; i++) {
            long n = Libc.read(callState, readFd, drainBuffer.address(), DRAIN_BYTES);
            if (n < DRAIN_BYTES) {
                break;
            }
        }
    }

    /** Closes both ends. */
    @Override
    public void release() throws ErrnoException {
        try {
            Libc.close(writeFd);
        } finally {
            Libc.close(readFd);
        }
    }
}
