package io.jselectors.selector.poll;

import io.jselectors.selector.PollLikeSelector;
import io.jselectors.selector.ReadyConsumer;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorKey;
import io.jselectors.selector.Timeouts;
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
 * is the self-pipe that {@link #wakeup()} writes to; it is never reported. Each call costs
 * O(registered fds), in the kernel and here: for thousands of fds use epoll or kqueue.
 *
 * <h2>Readiness</h2>
 * Level-triggered. {@code POLLERR}, {@code POLLHUP} and {@code POLLNVAL} (a closed fd) are reported
 * as READ and WRITE, then masked with the key's events, as in Python: a reader sees a hang-up as
 * readable and finds EOF or the error on its next read. An fd registered twice through {@code dup}s
 * is two registrations, each reported on its own.
 *
 * <h2>Timeouts</h2>
 * {@link Timeouts#toMillis}: rounded up to whole milliseconds (1 ns waits 1 ms, never 0) and clamped
 * to {@link Integer#MAX_VALUE} ms (24.8 days): a longer wait returns 0 after that. An interrupted
 * poll (EINTR) is retried with the time that remains.
 */
public final class PollSelector extends PollLikeSelector {

    /** Structs in the array of a new selector: enough for a small loop without growing. */
    static final int INITIAL_CAPACITY = 64;

    /** The bits that mean "something happened to this fd" whatever was asked: both events are ready. */
    private static final int FAILURE_BITS = Poll.POLLERR | Poll.POLLHUP | Poll.POLLNVAL;

    // Automatic arenas, freed by the GC: a batch being dispatched keeps its array alive even if a
    // consumer's registration makes the next select allocate a bigger one.
    private MemorySegment fds;
    private int capacity;
    private int nfds;
    /** Registrations changed since the array was built. */
    private boolean dirty = true;

    PollSelector() throws IOException {
        super("poll");
        allocate(INITIAL_CAPACITY);
    }

    @Override
    protected void setInterest(int fd, int events) {
        dirty = true;
    }

    @Override
    protected int await(long timeoutNanos) {
        if (dirty) {
            rebuild();
        }
        return Poll.poll(callState, fds, nfds, Timeouts.toMillis(timeoutNanos));
    }

    @Override
    protected int reportReady(int readyCount, ReadyConsumer consumer) {
        // The array of this wait: a consumer's changes only mark it dirty, rebuilt before the next.
        MemorySegment batch = fds;
        int count = nfds;
        int seen = 0;
        int reported = 0;
        // readyCount counts the structs with revents set: stop once all of them are found.
        for (int i = 0; i < count && seen < readyCount; i++) {
            int revents = Poll.revents(batch, i);
            if (revents != 0) {
                seen++;
                if (report(Poll.fd(batch, i), toSelectorEvents(revents), consumer)) {
                    reported++;
                }
            }
        }
        return reported;
    }

    private void rebuild() {
        int needed = registeredCount() + 1;
        if (needed > capacity) {
            allocate(Math.max(needed, 2 * capacity));
        }
        Poll.set(fds, 0, wakeupFd(), Poll.POLLIN);
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
        return (short) interestBits(selectorEvents, Poll.POLLIN, Poll.POLLOUT);
    }

    /** poll's bits as READ/WRITE; an error, a hang-up or a closed fd makes both ready. */
    static int toSelectorEvents(int revents) {
        return readyEvents(revents, Poll.POLLIN, Poll.POLLOUT, FAILURE_BITS);
    }
}
