package io.jselectors.epoll;

import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import io.jselectors.posix.Waker;
import io.jselectors.selector.AbstractSelector;
import io.jselectors.selector.ReadyConsumer;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorKey;
import io.jselectors.selector.SelectorOption;
import io.jselectors.selector.Timeouts;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The Linux selector: one epoll set, Python's {@code selectors.EpollSelector}. {@link
 * Selector#open()} returns it on Linux; {@code Selector.open("epoll")} asks for it by name.
 *
 * <h2>Readiness</h2>
 * Level-triggered by default: an fd is reported by every {@code select} for as long as it is
 * ready. {@code EPOLLHUP} and {@code EPOLLERR} are reported as READ and WRITE (then masked with the
 * key's events), so a reader sees a hang-up as readable and finds EOF or the error on its next read.
 *
 * <h2>Edge-triggered</h2>
 * Opened with {@link SelectorOption#EDGE_TRIGGERED}, every registration carries {@code EPOLLET}: an
 * fd is reported once each time it <em>becomes</em> ready. The rule this imposes: after an event,
 * read (or write) until the call fails with {@code EAGAIN}; data left unread gets no new event
 * until more arrives. Only non-blocking fds make sense then. A read registration also asks for
 * {@code EPOLLRDHUP}: when the peer's FIN (or a hang-up or an error) is behind the data of an
 * event, the event carries {@link Selector#EVENT_PEER_CLOSED} besides READ, because a short read
 * would otherwise leave the end of stream unseen with no further edge to report it.
 *
 * <h2>Closed file descriptors</h2>
 * The kernel drops an fd from the set when the last descriptor of its open file is closed: a
 * closed fd is never reported again, and {@link #unregister} afterwards still succeeds and frees
 * the key (its {@code EBADF}, {@code ENOENT} or, if the number now names a regular file, {@code
 * EPERM} is ignored). If the file is still open through a {@code dup} of the fd, the kernel keeps
 * the registration: unregister before you close.
 *
 * <h2>Limits</h2>
 * A {@code select} reports at most {@link #MAX_EVENTS_PER_SELECT} fds; the rest come with the next
 * call. A timeout is rounded up to whole milliseconds and clamped to {@link Integer#MAX_VALUE} ms
 * (24.8 days; {@link Timeouts#toMillis}): a longer wait returns 0 after that. Regular files
 * cannot be registered ({@code EPERM}, as in Python).
 */
public final class EpollSelector extends AbstractSelector {

    /** Structs in the events array of a new selector: enough for a small loop without growing. */
    static final int INITIAL_EVENTS = 64;

    /**
     * The most events one {@code epoll_wait} returns. The array grows with the registrations up to
     * this many (1.5 MiB at most on x86_64); beyond it, the kernel keeps the other ready fds for the
     * next call, so a huge set costs memory in proportion to what one batch can use.
     */
    public static final int MAX_EVENTS_PER_SELECT = 1 << 17;

    /** The {@code data} of the eventfd's registration; user fds are never negative. */
    private static final long WAKEUP_TOKEN = -1L;

    /** Hang-up and error: reported whatever was asked, and make both events ready. */
    private static final int FAILURE_BITS = Epoll.EPOLLHUP | Epoll.EPOLLERR;

    /** In edge mode: the bits after which a reader must read to the end ({@link Selector#EVENT_PEER_CLOSED}). */
    private static final int ENDING_BITS = Epoll.EPOLLRDHUP | FAILURE_BITS;

    private final int epfd;
    private final EventFd eventFd;
    private final Waker waker;
    private final boolean edgeTriggered;
    /** {@link #ENDING_BITS} when edge-triggered, else 0: the one test the hot loop makes for it. */
    private final int endingBits;
    // Automatic arenas, freed by the GC: nothing here can be used after it is freed, and a select
    // in progress keeps its events array alive even if a consumer's register replaces it.
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment callState = Native.newCallState(arena);
    private final MemorySegment ctlEvent = arena.allocate(Epoll.EVENT);
    private MemorySegment events;
    private int capacity;

    EpollSelector(boolean edgeTriggered) throws IOException {
        super("epoll");
        this.edgeTriggered = edgeTriggered;
        this.endingBits = edgeTriggered ? ENDING_BITS : 0;
        this.epfd = Epoll.create();
        EventFd efd = null;
        try {
            efd = new EventFd();
            // Level-triggered even in edge mode: a pending wakeup must be seen by every select
            // until it is drained.
            Epoll.set(ctlEvent, Epoll.EPOLLIN, WAKEUP_TOKEN);
            int rc = Epoll.ctl(callState, epfd, Epoll.EPOLL_CTL_ADD, efd.fd(), ctlEvent);
            if (rc < 0) {
                throw new ErrnoException("epoll_ctl(ADD eventfd)", -rc);
            }
        } catch (IOException | RuntimeException e) {
            if (efd != null) {
                closeQuietly(efd.fd(), e);
            }
            closeQuietly(epfd, e);
            throw e;
        }
        this.eventFd = efd;
        this.waker = new Waker(efd);
        resize(INITIAL_EVENTS);
    }

    /** Whether registrations are edge-triggered ({@link SelectorOption#EDGE_TRIGGERED}). */
    @Override
    public boolean isEdgeTriggered() {
        return edgeTriggered;
    }

    /** The epoll fd, or {@code -1} once closed. */
    @Override
    public int fileno() {
        return isClosed() ? -1 : epfd;
    }

    // ---------------------------------------------------------------- kernel steps

    @Override
    protected void kernelRegister(SelectorKey key) throws IOException {
        // The table already holds the new key; one more slot for the eventfd.
        int wanted = registeredCount() + 1;
        if (wanted > capacity && capacity < MAX_EVENTS_PER_SELECT) {
            resize((int) Math.min(MAX_EVENTS_PER_SELECT, Math.max(wanted, 2L * capacity)));
        }
        control(Epoll.EPOLL_CTL_ADD, "epoll_ctl(ADD)", key);
    }

    @Override
    protected void kernelModify(SelectorKey oldKey, SelectorKey newKey) throws IOException {
        control(Epoll.EPOLL_CTL_MOD, "epoll_ctl(MOD)", newKey);
    }

    @Override
    protected void kernelUnregister(SelectorKey key) throws IOException {
        int rc = Epoll.ctl(callState, epfd, Epoll.EPOLL_CTL_DEL, key.fd(), ctlEvent);
        // Deliberately ignored, the fd was closed since it was registered (the kernel has already
        // dropped it): EBADF, the number is free; ENOENT, the number names another file that is
        // not in the set; EPERM, the number names a regular file, which epoll never takes.
        if (rc < 0 && -rc != Errno.EBADF && -rc != Errno.ENOENT && -rc != Errno.EPERM) {
            throw new ErrnoException("epoll_ctl(DEL)", -rc);
        }
    }

    @Override
    protected int kernelSelect(long timeoutNanos, ReadyConsumer consumer) throws IOException {
        // A consumer that registers may grow the array; this batch keeps reading the one it filled.
        MemorySegment batch = events;
        int n = Native.waitResult("epoll_wait",
                Epoll.await(callState, epfd, batch, capacity, Timeouts.toMillis(timeoutNanos)));
        if (n < 0) {
            return n; // EINTR: the caller waits again for what remains
        }
        int reported = 0;
        for (int i = 0; i < n; i++) {
            long data = Epoll.data(batch, i);
            if (data == WAKEUP_TOKEN) {
                waker.reset(callState);
            } else if ((Epoll.events(batch, i) & endingBits) == 0
                    ? dispatch((int) data, toSelectorEvents(Epoll.events(batch, i)), consumer)
                    : dispatchEnding((int) data, Epoll.events(batch, i), consumer)) {
                reported++;
            }
        }
        return reported;
    }

    @Override
    protected void kernelClose() throws IOException {
        try {
            waker.close(); // no wakeup writes after this: the eventfd number may be reused at once
        } catch (IOException e) {
            closeQuietly(epfd, e);
            throw e;
        }
        Libc.close(epfd);
    }

    /**
     * Makes the current or next select return: the first call after a select adds 1 to the
     * eventfd's counter; later calls see the pending flag and write nothing ({@link Waker}). Safe
     * from any thread; does nothing once closed.
     */
    @Override
    public void wakeup() {
        waker.wakeup();
    }

    // ---------------------------------------------------------------- helpers

    private void control(int op, String call, SelectorKey key) throws ErrnoException {
        Epoll.set(ctlEvent, toEpollEvents(key.events()), key.fd());
        int rc = Epoll.ctl(callState, epfd, op, key.fd(), ctlEvent);
        if (rc < 0) {
            throw new ErrnoException(call, -rc);
        }
    }

    /**
     * {@link #dispatch} for an edge-triggered event with an end of stream, hang-up or error behind
     * it: READ also carries {@link Selector#EVENT_PEER_CLOSED}, which dispatch's mask would drop.
     */
    private boolean dispatchEnding(int fd, int bits, ReadyConsumer consumer) {
        SelectorKey key = keyFor(fd);
        if (key == null) {
            return false;
        }
        int mask = toSelectorEvents(bits) & key.events();
        if (mask == 0) {
            return false;
        }
        consumer.accept(key, (mask & EVENT_READ) != 0 ? mask | EVENT_PEER_CLOSED : mask);
        return true;
    }

    private void resize(int newCapacity) {
        // A new segment instead of a copy: the kernel rewrites the array on every wait. Its own
        // arena, so the old array is freed once no select reads it any more.
        events = Arena.ofAuto().allocate(Epoll.EVENT, newCapacity);
        capacity = newCapacity;
    }

    private int toEpollEvents(int selectorEvents) {
        if (!edgeTriggered) {
            return interestBits(selectorEvents, Epoll.EPOLLIN, Epoll.EPOLLOUT);
        }
        return Epoll.EPOLLET | interestBits(selectorEvents, Epoll.EPOLLIN | Epoll.EPOLLRDHUP, Epoll.EPOLLOUT);
    }

    /** epoll's bits as READ/WRITE; a hang-up or an error makes both ready, as in Python. */
    static int toSelectorEvents(int epollEvents) {
        return readyEvents(epollEvents, Epoll.EPOLLIN, Epoll.EPOLLOUT, FAILURE_BITS);
    }

    /** The eventfd behind {@link #wakeup()}, for tests. */
    int eventFd() {
        return eventFd.fd();
    }

    /** The size of the events array, for tests. */
    int eventsCapacity() {
        return capacity;
    }

    private static void closeQuietly(int fd, Exception cause) {
        if (fd >= 0) {
            try {
                Libc.close(fd);
            } catch (ErrnoException e) {
                cause.addSuppressed(e);
            }
        }
    }
}
