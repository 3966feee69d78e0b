package io.jselectors.selector.poll;

import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Native;
import io.jselectors.posix.WakeupPipe;
import io.jselectors.selector.AbstractSelector;
import io.jselectors.selector.ReadyConsumer;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorKey;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The portable POSIX selector: poll(2), Python's {@code selectors.PollSelector}. {@code
 * Selector.open("poll")} asks for it; {@link Selector#open()} picks it only where no kernel event
 * queue (epoll, kqueue) is installed.
 *
 * <h2>How it works</h2>
 * A native {@code struct pollfd} array is kept between calls and rebuilt from the registrations
 * just before a poll when they have changed since the last one, so a {@link ReadyConsumer} that
 * registers, modifies or unregisters during dispatch never disturbs the array being read. Entry 0
 * is a self-pipe ({@link WakeupPipe}) that {@link #wakeup()} writes to; it is never reported. Each
 * call costs O(registered fds), in the kernel and here: for thousands of fds use epoll or kqueue.
 *
 * <h2>Readiness</h2>
 * Level-triggered. {@code POLLERR}, {@code POLLHUP} and {@code POLLNVAL} (a closed fd) are reported
 * as READ and WRITE, then masked with the key's events, as in Python: a reader sees a hang-up as
 * readable and finds EOF or the error on its next read. An fd registered twice through {@code dup}s
 * is two registrations, each reported on its own.
 *
 * <h2>Timeouts</h2>
 * Rounded up to whole milliseconds (1 ns waits 1 ms, never 0) and clamped to {@link
 * Integer#MAX_VALUE} ms (24.8 days): a longer wait returns 0 after that. An interrupted poll (EINTR)
 * is retried with the time that remains.
 */
public final class PollSelector extends AbstractSelector {

    /** Structs in the array of a new selector: enough for a small loop without growing. */
    static final int INITIAL_CAPACITY = 64;

    private final WakeupPipe wakeupPipe;
    // Automatic arenas, freed by the GC: a batch being dispatched keeps its array alive even if a
    // consumer's registration makes the next select allocate a bigger one.
    private final MemorySegment callState = Native.newCallState(Arena.ofAuto());
    private MemorySegment fds;
    private int capacity;
    private int nfds;
    /** Registrations changed since the array was built. */
    private boolean dirty = true;

    PollSelector() throws IOException {
        super("poll");
        wakeupPipe = new WakeupPipe();
        allocate(INITIAL_CAPACITY);
    }

    // ---------------------------------------------------------------- kernel steps

    @Override
    protected void kernelRegister(SelectorKey key) {
        dirty = true;
    }

    @Override
    protected void kernelModify(SelectorKey oldKey, SelectorKey newKey) {
        dirty = true;
    }

    @Override
    protected void kernelUnregister(SelectorKey key) {
        dirty = true;
    }

    @Override
    protected int kernelSelect(long timeoutNanos, ReadyConsumer consumer) throws IOException {
        if (dirty) {
            rebuild();
        }
        MemorySegment batch = fds;
        int count = nfds;
        int rc = Poll.poll(callState, batch, count, toMillis(timeoutNanos));
        if (rc < 0) {
            if (-rc == Errno.EINTR) {
                return -1;
            }
            throw new ErrnoException("poll", -rc);
        }
        int seen = 0;
        if (rc > 0 && Poll.revents(batch, 0) != 0) {
            wakeupPipe.drain(callState);
            seen++;
        }
        int reported = 0;
        // rc counts the structs with revents set: stop once all of them are found.
        for (int i = 1; i < count && seen < rc; i++) {
            int revents = Poll.revents(batch, i);
            if (revents != 0) {
                seen++;
                if (dispatch(Poll.fd(batch, i), toSelectorEvents(revents), consumer)) {
                    reported++;
                }
            }
        }
        return reported;
    }

    @Override
    protected void kernelClose() throws IOException {
        wakeupPipe.close();
    }

    /**
     * Makes the current or next select return: the first call after a select writes a byte into
     * the self-pipe; later calls write nothing until a select has drained it. Safe from any thread.
     */
    @Override
    public void wakeup() {
        wakeupPipe.wakeup();
    }

    // ---------------------------------------------------------------- helpers

    private void rebuild() {
        int needed = registeredCount() + 1;
        if (needed > capacity) {
            allocate(Math.max(needed, 2 * capacity));
        }
        Poll.set(fds, 0, wakeupPipe.readFd(), Poll.POLLIN);
        int i = 1;
        // Allocates an iterator, once per change rather than once per select.
        for (SelectorKey key : getMap().values()) {
            Poll.set(fds, i++, key.fd(), toPollEvents(key.events()));
        }
        nfds = i;
        dirty = false;
    }

    private void allocate(int newCapacity) {
        // A new array rather than a copy: rebuild rewrites every entry anyway.
        fds = Arena.ofAuto().allocate(Poll.POLLFD, newCapacity);
        capacity = newCapacity;
    }

    static short toPollEvents(int selectorEvents) {
        int e = 0;
        if ((selectorEvents & EVENT_READ) != 0) {
            e |= Poll.POLLIN;
        }
        if ((selectorEvents & EVENT_WRITE) != 0) {
            e |= Poll.POLLOUT;
        }
        return (short) e;
    }

    /** poll's bits as READ/WRITE; an error, a hang-up or a closed fd makes both ready. */
    static int toSelectorEvents(int revents) {
        int failed = revents & (Poll.POLLERR | Poll.POLLHUP | Poll.POLLNVAL);
        int e = 0;
        if ((revents & Poll.POLLIN) != 0 || failed != 0) {
            e |= EVENT_READ;
        }
        if ((revents & Poll.POLLOUT) != 0 || failed != 0) {
            e |= EVENT_WRITE;
        }
        return e;
    }

    /**
     * poll's timeout: {@link Selector#INFINITE} is -1, zero or less is 0, anything else whole
     * milliseconds rounded up and clamped to {@link Integer#MAX_VALUE}.
     */
    static int toMillis(long timeoutNanos) {
        if (timeoutNanos == Selector.INFINITE) {
            return -1;
        }
        if (timeoutNanos <= 0) {
            return 0;
        }
        return (int) Math.min(Math.ceilDiv(timeoutNanos, 1_000_000L), Integer.MAX_VALUE);
    }
}
