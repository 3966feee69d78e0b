package io.jselectors.selector.select;

import io.jselectors.posix.ErrnoException;
import io.jselectors.selector.PollLikeSelector;
import io.jselectors.selector.ReadyConsumer;
import io.jselectors.selector.Selector;
import io.jselectors.selector.Timeouts;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The oldest POSIX selector: select(2), Python's {@code selectors.SelectSelector}. {@code
 * Selector.open("select")} asks for it; {@link Selector#open()} picks it only if nothing better is
 * installed.
 *
 * <h2>Limits</h2>
 * select(2) only handles fds below {@code FD_SETSIZE} (1024). This selector refuses a larger fd when
 * it is <em>registered</em>, with an {@link IllegalArgumentException} naming the fd and the limit,
 * and the registration is not kept. That deviates from Python, where the register succeeds and
 * every later {@code select} fails with {@code ValueError}: failing early keeps one bad fd from
 * stopping the whole loop. The selector's own wakeup pipe must be below the limit too, or {@code
 * open} fails.
 *
 * <h2>Closed file descriptors</h2>
 * An fd closed while registered makes select(2) fail with {@code EBADF}, which is thrown as an
 * {@link ErrnoException} by every {@code select} until the fd is unregistered; Python does the
 * same. Unregister before you close.
 *
 * <h2>How it works</h2>
 * Master read and write sets are updated at once by register, modify and unregister; each {@code
 * select} copies them into working sets (select(2) overwrites its arguments) in preallocated native
 * memory, so nothing is allocated per call. A consumer that changes registrations during dispatch
 * changes the masters, never the sets being read. {@link #wakeup()} writes to a self-pipe whose read
 * end is always in the read set and never reported.
 *
 * <h2>Timeouts</h2>
 * {@link Timeouts#toMicros}: rounded up to whole microseconds, and clamped to {@link
 * #MAX_TIMEOUT_SECONDS}. An interrupted select (EINTR) is retried with the time that remains.
 */
public final class SelectSelector extends PollLikeSelector {

    /**
     * The longest single wait, in seconds (about 3.2 years): macOS rejects a {@code tv_sec} above
     * 10^8 with EINVAL. A longer timeout returns 0 after this long.
     */
    public static final long MAX_TIMEOUT_SECONDS = 100_000_000L;

    private static final long SET = SelectCall.FD_SET_BYTES;
    private static final long MICROS_PER_SECOND = 1_000_000L;

    // One automatic arena, freed by the GC with the selector: the sets are only used by the
    // selecting thread, and nothing keeps their addresses.
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment masterRead = arena.allocate(SET, Long.BYTES);
    private final MemorySegment masterWrite = arena.allocate(SET, Long.BYTES);
    private final MemorySegment workRead = arena.allocate(SET, Long.BYTES);
    private final MemorySegment workWrite = arena.allocate(SET, Long.BYTES);
    private final MemorySegment timeval = arena.allocate(SelectCall.TIMEVAL);
    /** The 64-bit words of the working sets that the last wait filled. */
    private int words;

    SelectSelector() throws IOException {
        super("select");
        int wakeFd = wakeupFd();
        if (wakeFd >= SelectCall.FD_SETSIZE) {
            IOException e = new IOException("select backend: its wakeup pipe got fd " + wakeFd
                    + ", not below FD_SETSIZE (" + SelectCall.FD_SETSIZE + "); use poll or epoll");
            try {
                kernelClose();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        SelectCall.setBit(masterRead, wakeFd, true);
    }

    @Override
    protected void setInterest(int fd, int events) {
        if (fd >= SelectCall.FD_SETSIZE) {
            throw new IllegalArgumentException("fd " + fd + " is not below FD_SETSIZE ("
                    + SelectCall.FD_SETSIZE + "): the select backend cannot watch it; use poll or epoll");
        }
        SelectCall.setBit(masterRead, fd, (events & EVENT_READ) != 0);
        SelectCall.setBit(masterWrite, fd, (events & EVENT_WRITE) != 0);
    }

    @Override
    protected int await(long timeoutNanos) {
        int nfds = Math.max(maxRegisteredFd(), wakeupFd()) + 1;
        words = (nfds + 63) >>> 6;
        MemorySegment.copy(masterRead, 0, workRead, 0, words * (long) Long.BYTES);
        MemorySegment.copy(masterWrite, 0, workWrite, 0, words * (long) Long.BYTES);
        return SelectCall.select(callState, nfds, workRead, workWrite, toTimeval(timeoutNanos));
    }

    @Override
    protected int reportReady(int readyCount, ReadyConsumer consumer) {
        int reported = 0;
        int filled = words;
        for (int w = 0; w < filled; w++) {
            long readable = SelectCall.word(workRead, w);
            long writable = SelectCall.word(workWrite, w);
            for (long bits = readable | writable; bits != 0; bits &= bits - 1) {
                int bit = Long.numberOfTrailingZeros(bits);
                int events = (int) ((readable >>> bit) & 1) * EVENT_READ | (int) ((writable >>> bit) & 1) * EVENT_WRITE;
                if (report((w << 6) + bit, events, consumer)) {
                    reported++;
                }
            }
        }
        return reported;
    }

    /** The timeval for {@code timeoutNanos}, or NULL to wait forever. */
    private MemorySegment toTimeval(long timeoutNanos) {
        if (timeoutNanos == Selector.INFINITE) {
            return MemorySegment.NULL;
        }
        long micros = Timeouts.toMicros(timeoutNanos);
        long seconds = micros / MICROS_PER_SECOND;
        if (seconds >= MAX_TIMEOUT_SECONDS) {
            SelectCall.setTimeval(timeval, MAX_TIMEOUT_SECONDS, 0);
        } else {
            SelectCall.setTimeval(timeval, seconds, (int) (micros % MICROS_PER_SECOND));
        }
        return timeval;
    }
}
