package io.jselectors.epoll;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import io.jselectors.selector.AbstractSelector;
import io.jselectors.selector.ReadyConsumer;
import io.jselectors.selector.Selector;
import io.jselectors.selector.SelectorKey;
import io.jselectors.selector.SelectorOption;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicBoolean;

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
 * until more arrives. Only non-blocking fds make sense then.
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
 * (24.8 days): a longer wait returns 0 after that. Regular files cannot be registered ({@code
 * EPERM}, as in Python).
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

    /** The 8-byte counter increment that {@link #wakeup()} writes; shared, never changed. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(JAVA_LONG, 1L);

    private final int epfd;
    private final int eventFd;
    private final boolean edgeTriggered;
    // Automatic arenas, freed by the GC: nothing here can be used after it is freed, and a select
    // in progress keeps its events array alive even if a consumer's register replaces it.
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment callState = Native.newCallState(arena);
    private final MemorySegment ctlEvent = arena.allocate(Epoll.EVENT);
    private final MemorySegment drainBuffer = arena.allocate(JAVA_LONG);
    private MemorySegment events;
    private int capacity;

    /** Set by the first {@link #wakeup()} after a select, cleared once the eventfd is drained. */
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    /** Orders a wakeup's write against close, so a write never hits a closed (reused) fd number. */
    private final Object wakeupLock = new Object();
    private boolean wakeupClosed; // guarded by wakeupLock

    EpollSelector(boolean edgeTriggered) throws IOException {
        super("epoll");
        this.edgeTriggered = edgeTriggered;
        this.epfd = Epoll.create();
        int efd = -1;
        try {
            efd = Epoll.eventfd();
            // Level-triggered even in edge mode: a pending wakeup must be seen by every select
            // until it is drained.
            Epoll.set(ctlEvent, Epoll.EPOLLIN, WAKEUP_TOKEN);
            int rc = Epoll.ctl(callState, epfd, Epoll.EPOLL_CTL_ADD, efd, ctlEvent);
            if (rc < 0) {
                throw new ErrnoException("epoll_ctl(ADD eventfd)", -rc);
            }
        } catch (IOException | RuntimeException e) {
            closeQuietly(efd, e);
            closeQuietly(epfd, e);
            throw e;
        }
        this.eventFd = efd;
        resize(INITIAL_EVENTS);
    }

    /** Whether registrations are edge-triggered ({@link SelectorOption#EDGE_TRIGGERED}). */
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
        int n = Epoll.await(callState, epfd, batch, capacity, toMillis(timeoutNanos));
        if (n < 0) {
            if (-n == Errno.EINTR) {
                return -1;
            }
            throw new ErrnoException("epoll_wait", -n);
        }
        int reported = 0;
        for (int i = 0; i < n; i++) {
            long data = Epoll.data(batch, i);
            if (data == WAKEUP_TOKEN) {
                drainWakeup();
            } else if (dispatch((int) data, toSelectorEvents(Epoll.events(batch, i)), consumer)) {
                reported++;
            }
        }
        return reported;
    }

    @Override
    protected void kernelClose() throws IOException {
        synchronized (wakeupLock) {
            wakeupClosed = true;
        }
        IOException failure = null;
        for (int fd : new int[] {eventFd, epfd}) {
            try {
                Libc.close(fd);
            } catch (ErrnoException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Makes the current or next select return: the first call after a select adds 1 to the
     * eventfd's counter; later calls see the pending flag and write nothing. Safe from any thread.
     */
    @Override
    public void wakeup() {
        if (wakeupPending.get() || !wakeupPending.compareAndSet(false, true)) {
            return;
        }
        long rc;
        synchronized (wakeupLock) {
            if (wakeupClosed) {
                return;
            }
            // SAFETY: ONE is an 8-byte segment of the global arena, never freed or written again,
            // and write(2) reads exactly 8 bytes from it.
            rc = Libc.write(Native.threadCallState(), eventFd, ONE.address(), Long.BYTES);
        }
        // EAGAIN means the counter is already (absurdly) high: the select wakes up anyway.
        if (rc < 0 && -rc != Errno.EAGAIN) {
            wakeupPending.set(false);
            throw new UncheckedIOException(new ErrnoException("write(eventfd)", (int) -rc));
        }
    }

    // ---------------------------------------------------------------- helpers

    private void control(int op, String call, SelectorKey key) throws ErrnoException {
        Epoll.set(ctlEvent, toEpollEvents(key.events()), key.fd());
        int rc = Epoll.ctl(callState, epfd, op, key.fd(), ctlEvent);
        if (rc < 0) {
            throw new ErrnoException(call, -rc);
        }
    }

    private void drainWakeup() {
        // SAFETY: drainBuffer is 8 bytes of this selector's arena, which lives as long as the
        // selector object does; read(2) writes at most 8 bytes into it.
        Libc.read(callState, eventFd, drainBuffer.address(), Long.BYTES);
        // Cleared after the drain: a wakeup that lands in between is folded into this select,
        // which is returning anyway. Cleared first, its write could be drained and lost, leaving
        // the flag set and every later wakeup silent.
        wakeupPending.set(false);
    }

    private void resize(int newCapacity) {
        // A new segment instead of a copy: the kernel rewrites the array on every wait. Its own
        // arena, so the old array is freed once no select reads it any more.
        events = Arena.ofAuto().allocate(Epoll.EVENT, newCapacity);
        capacity = newCapacity;
    }

    private int toEpollEvents(int selectorEvents) {
        int e = edgeTriggered ? Epoll.EPOLLET : 0;
        if ((selectorEvents & EVENT_READ) != 0) {
            e |= Epoll.EPOLLIN;
        }
        if ((selectorEvents & EVENT_WRITE) != 0) {
            e |= Epoll.EPOLLOUT;
        }
        return e;
    }

    /** epoll's bits as READ/WRITE; a hang-up or an error makes both ready, as in Python. */
    static int toSelectorEvents(int epollEvents) {
        int e = 0;
        if ((epollEvents & (Epoll.EPOLLIN | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0) {
            e |= EVENT_READ;
        }
        if ((epollEvents & (Epoll.EPOLLOUT | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0) {
            e |= EVENT_WRITE;
        }
        return e;
    }

    /**
     * A select timeout as epoll's milliseconds: {@link Selector#INFINITE} is -1 (block), zero or
     * negative is 0 (poll, never the kernel's "negative blocks"), anything else rounded up so a
     * short wait never becomes a busy poll, and clamped to {@link Integer#MAX_VALUE}.
     */
    static int toMillis(long timeoutNanos) {
        if (timeoutNanos == INFINITE) {
            return -1;
        }
        if (timeoutNanos <= 0) {
            return 0;
        }
        long millis = timeoutNanos / 1_000_000L + (timeoutNanos % 1_000_000L == 0 ? 0 : 1);
        return (int) Math.min(millis, Integer.MAX_VALUE);
    }

    /** The eventfd behind {@link #wakeup()}, for tests. */
    int eventFd() {
        return eventFd;
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
