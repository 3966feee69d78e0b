package io.jselectors.kqueue;

import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Native;
import io.jselectors.posix.Waker;
import io.jselectors.selector.AbstractSelector;
import io.jselectors.selector.ReadyConsumer;
import io.jselectors.selector.SelectorKey;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * The kqueue backend (macOS, FreeBSD): Python's {@code KqueueSelector}, with three differences.
 *
 * <ul>
 *   <li><b>One entry per fd.</b> Read and write interest are two kernel filters ({@code
 *       EVFILT_READ}, {@code EVFILT_WRITE}); their events are merged, so a select reports each fd
 *       at most once with {@code READ|WRITE}, as every other backend does (Python may report the
 *       same key twice).
 *   <li><b>Changes are atomic per call.</b> A register, modify or unregister sends all of its
 *       filter changes in one {@code kevent} call with {@code EV_RECEIPT}, which makes the kernel
 *       report the outcome of each change. A register whose second filter is refused deletes the
 *       first again (Python leaves it in the kernel), and modify adds and deletes only the filters
 *       that changed.
 *   <li><b>End of file is a hang-up.</b> An event flagged {@code EV_EOF} counts as readable and
 *       writable, masked with what the key asked for, as poll's {@code POLLHUP} is (and as macOS's
 *       own poll(2), built on kqueue, turns EV_EOF into POLLHUP). After the peer has shut its side,
 *       a read returns 0 and a write fails at once, so neither event makes the caller block; on a
 *       half-closed socket with a full send buffer a write may still return EAGAIN, a spurious
 *       wake-up that ends as soon as the caller reacts to the end of file it was just told about.
 *       An entry flagged {@code EV_ERROR} with a non-zero errno in {@code data} (the man page's
 *       report of a change that failed) is treated the same way, as poll's {@code POLLERR} is; its
 *       errno surfaces at the caller's next read or write.
 * </ul>
 *
 * <p>{@link #wakeup()} triggers an {@code EVFILT_USER} event (ident 0, {@code EV_CLEAR}) added
 * when the selector is opened; the shared {@link Waker} coalesces wakeups before a select into one
 * trigger and never triggers after close (the kqueue's fd number may belong to another file then).
 * The event buffer of a select holds one entry per registered filter plus the wakeup's, up to
 * {@link #MAX_EVENTS_PER_SELECT}, and is never empty: kevent with {@code nevents == 0} returns at
 * once whatever the timeout (bpo-29255).
 *
 * <p>Only {@link #wakeup()} is thread-safe; everything else runs on the selecting thread.
 */
public final class KqueueSelector extends AbstractSelector {

    /**
     * The most kernel events one select collects. Ready filters beyond it stay ready and are
     * reported by the next select (kqueue is level-triggered here, nothing is lost), which bounds
     * the buffer at 8192 × 64 bytes however many fds are registered.
     */
    static final int MAX_EVENTS_PER_SELECT = 8192;

    /** The ident of the wakeup's EVFILT_USER event; user events never clash with fd filters. */
    static final long WAKEUP_IDENT = 0;

    // One register/modify/unregister changes at most the READ and the WRITE filter.
    private static final int MAX_CHANGES = 2;
    private static final int READ = EVENT_READ;
    private static final int WRITE = EVENT_WRITE;
    // No receipt came back for a change (never seen; treated as a failure, reported as EIO).
    private static final int NO_RECEIPT = -1;

    private final KqueueSyscalls sys;
    private final KeventAbi abi;
    private final int kq;
    // The buffers live as long as this selector is reachable. An automatic arena keeps wakeup()
    // on another thread safe against a concurrent close(): nothing is freed under a running call.
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment changes;
    private final MemorySegment receipts;
    private final MemorySegment zeroTimeout;
    private final MemorySegment timeout;
    private final int[] changeErrno = new int[MAX_CHANGES];
    private MemorySegment events;
    private int eventCapacity;
    // Merging READ and WRITE per fd without allocating: bits by fd, and the fds in kernel order.
    private int[] pendingBits = new int[64];
    private int[] readyFds;
    private int filters;
    private final Waker waker;

    private KqueueSelector(KqueueSyscalls sys, KeventAbi abi, int kq) throws ErrnoException {
        super("kqueue");
        this.sys = sys;
        this.abi = abi;
        this.kq = kq;
        this.changes = arena.allocate(abi.kevent(), MAX_CHANGES);
        this.receipts = arena.allocate(abi.kevent(), MAX_CHANGES);
        this.zeroTimeout = arena.allocate(KeventAbi.TIMESPEC);
        this.timeout = arena.allocate(KeventAbi.TIMESPEC);
        growEvents(16);
        abi.set(changes, 0, WAKEUP_IDENT, abi.evfiltUser(),
                KeventAbi.EV_ADD | KeventAbi.EV_CLEAR | KeventAbi.EV_RECEIPT, 0);
        int errno = firstError(apply(1));
        if (errno != 0) {
            throw new ErrnoException("kevent(EVFILT_USER)", errno);
        }
        this.waker = new Waker(new UserEventSignal(sys, abi, kq, arena));
    }

    /**
     * Creates a kqueue and the selector around it; closes the kqueue again if the selector cannot
     * be set up.
     */
    static KqueueSelector open(KqueueSyscalls sys, KeventAbi abi) throws IOException {
        int kq = sys.kqueue();
        if (kq < 0) {
            throw new ErrnoException("kqueue", -kq);
        }
        try {
            return new KqueueSelector(sys, abi, kq);
        } catch (IOException | RuntimeException | Error e) {
            sys.close(kq);
            throw e;
        }
    }

    // ---------------------------------------------------------------- registrations

    @Override
    protected void kernelRegister(SelectorKey key) throws IOException {
        int n = 0;
        if (key.wantsRead()) {
            n = change(n, key.fd(), KeventAbi.EVFILT_READ, KeventAbi.EV_ADD);
        }
        if (key.wantsWrite()) {
            n = change(n, key.fd(), KeventAbi.EVFILT_WRITE, KeventAbi.EV_ADD);
        }
        int errno = firstError(apply(n));
        if (errno != 0) {
            undoAdds(n);
            throw new ErrnoException("kevent(EV_ADD)", errno);
        }
        filters += n;
    }

    @Override
    protected void kernelModify(SelectorKey oldKey, SelectorKey newKey) throws IOException {
        int n = 0;
        n = diff(n, oldKey.fd(), KeventAbi.EVFILT_READ, oldKey.wantsRead(), newKey.wantsRead());
        n = diff(n, oldKey.fd(), KeventAbi.EVFILT_WRITE, oldKey.wantsWrite(), newKey.wantsWrite());
        int errno = firstError(apply(n));
        if (errno != 0) {
            // The caller now unregisters the old key, which deletes the old filters; the filters
            // this call added are ours to take back.
            undoAdds(n);
            throw new ErrnoException("kevent(modify)", errno);
        }
        filters += Integer.bitCount(newKey.events()) - Integer.bitCount(oldKey.events());
    }

    @Override
    protected void kernelUnregister(SelectorKey key) throws IOException {
        // The key is out of the table whatever the kernel says, so the count goes down first.
        filters -= Integer.bitCount(key.events());
        int n = 0;
        if (key.wantsRead()) {
            n = change(n, key.fd(), KeventAbi.EVFILT_READ, KeventAbi.EV_DELETE);
        }
        if (key.wantsWrite()) {
            n = change(n, key.fd(), KeventAbi.EVFILT_WRITE, KeventAbi.EV_DELETE);
        }
        int errno = firstError(apply(n));
        if (errno != 0) {
            throw new ErrnoException("kevent(EV_DELETE)", errno);
        }
    }

    private int change(int index, int fd, short filter, int action) {
        abi.set(changes, index, fd, filter, action | KeventAbi.EV_RECEIPT, 0);
        return index + 1;
    }

    private int diff(int index, int fd, short filter, boolean had, boolean wants) {
        if (wants && !had) {
            return change(index, fd, filter, KeventAbi.EV_ADD);
        }
        if (had && !wants) {
            return change(index, fd, filter, KeventAbi.EV_DELETE);
        }
        return index;
    }

    /**
     * Sends the first {@code n} entries of {@code changes} and records each one's errno (0 for
     * success) in {@link #changeErrno}, in change order. EINTR is retried: re-adding a filter
     * changes nothing and re-deleting one gives ENOENT, which is ignored.
     */
    private int apply(int n) {
        if (n == 0) {
            return 0;
        }
        int r;
        do {
            r = sys.kevent(kq, changes, n, receipts, n, zeroTimeout);
        } while (r == -Errno.EINTR);
        if (r < 0) {
            Arrays.fill(changeErrno, 0, n, -r);
            return n;
        }
        Arrays.fill(changeErrno, 0, n, NO_RECEIPT);
        for (int i = 0; i < Math.min(r, n); i++) {
            if ((abi.flags(receipts, i) & KeventAbi.EV_ERROR) == 0) {
                continue; // not a receipt: with EV_RECEIPT on every change, never expected
            }
            int slot = matchChange(abi.ident(receipts, i), abi.filter(receipts, i), n);
            if (slot >= 0) {
                changeErrno[slot] = (int) abi.data(receipts, i);
            }
        }
        return n;
    }

    private int matchChange(long ident, short filter, int n) {
        for (int c = 0; c < n; c++) {
            if (abi.ident(changes, c) == ident && abi.filter(changes, c) == filter
                    && changeErrno[c] == NO_RECEIPT) {
                return c;
            }
        }
        return -1;
    }

    /**
     * The errno of the first failed change among the {@code n} just applied, or 0. A delete that
     * found nothing (ENOENT) or a closed fd (EBADF) succeeded for us: closing an fd removes its
     * filters, and the contract lets callers unregister after close. These errnos are 2, 4 and 9
     * on Linux, macOS and FreeBSD alike, so {@link Errno}'s table is right on any test machine.
     */
    private int firstError(int n) {
        for (int c = 0; c < n; c++) {
            int errno = changeErrno[c] == NO_RECEIPT ? Errno.EIO : changeErrno[c];
            boolean delete = (abi.flags(changes, c) & KeventAbi.EV_DELETE) != 0;
            if (errno != 0 && !(delete && (errno == Errno.ENOENT || errno == Errno.EBADF))) {
                return errno;
            }
        }
        return 0;
    }

    /** Deletes the filters that the first {@code n} changes added successfully; best effort. */
    private void undoAdds(int n) {
        int undo = 0;
        for (int c = 0; c < n; c++) {
            boolean add = (abi.flags(changes, c) & KeventAbi.EV_ADD) != 0;
            if (add && changeErrno[c] == 0) {
                // Moving entry c down to slot undo never overwrites an entry still to be read.
                abi.set(changes, undo++, abi.ident(changes, c), abi.filter(changes, c),
                        KeventAbi.EV_DELETE | KeventAbi.EV_RECEIPT, 0);
            }
        }
        apply(undo);
    }

    // ---------------------------------------------------------------- select

    @Override
    protected int kernelSelect(long timeoutNanos, ReadyConsumer consumer) throws IOException {
        // One slot per registered filter plus the wakeup's; never 0, or the timeout is ignored.
        int nevents = Math.min(Math.max(filters, 0) + 1, MAX_EVENTS_PER_SELECT);
        if (nevents > eventCapacity) {
            growEvents(Math.min(Math.max(nevents, eventCapacity * 2), MAX_EVENTS_PER_SELECT));
        }
        int n = Native.waitResult("kevent",
                sys.kevent(kq, MemorySegment.NULL, 0, events, nevents, timespec(timeoutNanos)));
        if (n < 0) {
            return n; // EINTR: the caller waits again for what remains
        }
        int count = merge(Math.min(n, nevents));
        return dispatchMerged(count, consumer);
    }

    /** kevent takes nanoseconds: no rounding, only Python's rule (INFINITE blocks, 0 or less polls). */
    private MemorySegment timespec(long timeoutNanos) {
        if (timeoutNanos == INFINITE) {
            return MemorySegment.NULL;
        }
        if (timeoutNanos <= 0) {
            return zeroTimeout;
        }
        KeventAbi.writeTimespec(timeout, timeoutNanos);
        return timeout;
    }

    /** Folds the kernel's entries into {@link #pendingBits}; returns how many fds are ready. */
    private int merge(int n) {
        int count = 0;
        for (int i = 0; i < n; i++) {
            short filter = abi.filter(events, i);
            int bits;
            if (filter == KeventAbi.EVFILT_READ) {
                bits = READ;
            } else if (filter == KeventAbi.EVFILT_WRITE) {
                bits = WRITE;
            } else {
                if (filter == abi.evfiltUser()) {
                    waker.reset(MemorySegment.NULL); // the wakeup: re-arm it, report nothing
                }
                continue;
            }
            int flags = abi.flags(events, i);
            if ((flags & KeventAbi.EV_ERROR) != 0) {
                if (abi.data(events, i) == 0) {
                    continue; // a receipt of a change that worked, not readiness
                }
                bits = READ | WRITE;
            } else if ((flags & KeventAbi.EV_EOF) != 0) {
                bits = READ | WRITE;
            }
            long ident = abi.ident(events, i);
            if (ident < 0 || ident > Integer.MAX_VALUE || keyFor((int) ident) == null) {
                continue; // unregistered since the kernel queued it
            }
            int fd = (int) ident;
            if (fd >= pendingBits.length) {
                pendingBits = Arrays.copyOf(pendingBits, Math.max(fd + 1, pendingBits.length * 2));
            }
            if (pendingBits[fd] == 0) {
                readyFds[count++] = fd;
            }
            pendingBits[fd] |= bits;
        }
        return count;
    }

    private int dispatchMerged(int count, ReadyConsumer consumer) {
        int dispatched = 0;
        int i = 0;
        try {
            for (; i < count; i++) {
                int fd = readyFds[i];
                int bits = pendingBits[fd];
                pendingBits[fd] = 0;
                if (dispatch(fd, bits, consumer)) {
                    dispatched++;
                }
            }
        } finally {
            // A consumer that throws must not leave bits behind for the next select.
            for (i++; i < count; i++) {
                pendingBits[readyFds[i]] = 0;
            }
        }
        return dispatched;
    }

    private void growEvents(int capacity) {
        events = arena.allocate(abi.kevent(), capacity);
        readyFds = new int[capacity];
        eventCapacity = capacity;
    }

    // ---------------------------------------------------------------- wakeup and close

    /**
     * Triggers the EVFILT_USER event, ending the current or next select, unless a wakeup is already
     * pending. Safe from any thread; after {@link #close()} it does nothing.
     */
    @Override
    public void wakeup() {
        waker.wakeup();
    }

    @Override
    public int fileno() {
        return isClosed() ? -1 : kq;
    }

    @Override
    protected void kernelClose() throws IOException {
        filters = 0;
        try {
            waker.close(); // no trigger after this: the kqueue's fd number may be reused at once
        } finally {
            sys.close(kq);
        }
    }

    /** The number of READ and WRITE filters registered in the kernel (for the tests). */
    int registeredFilters() {
        return filters;
    }
}
