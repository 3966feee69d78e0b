package io.jselectors.kqueue;

import io.jselectors.posix.Errno;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An in-memory kqueue that follows kqueue(2)/kevent(2) as the macOS and FreeBSD man pages describe
 * them, reading and writing real {@code struct kevent} arrays in the layout under test. It records
 * every call, and tests script what the "kernel" does: filters whose EV_ADD fails, closed fds,
 * level-triggered readiness, raw entries, and errors of the next wait.
 *
 * <p>Modelled rules: knotes are keyed by (ident, filter); EV_ADD on an existing knote keeps one;
 * EV_DELETE of a missing knote fails with ENOENT; a READ/WRITE change on a closed fd fails with
 * EBADF; a change that fails, or carries EV_RECEIPT, is written back as an EV_ERROR entry with the
 * errno (or 0) in {@code data} while there is room in the event list, and otherwise a failure ends
 * the call with -1/errno; once such entries were written the call returns without waiting; a
 * NOTE_TRIGGER fires the EVFILT_USER knote, which EV_CLEAR resets when it is reported.
 */
final class FakeKqueue implements KqueueSyscalls {

    /** One decoded {@code struct kevent} of a change list. */
    record Change(long ident, short filter, int flags, int fflags) {}

    /**
     * One kevent call: its changes, nevents, the timeout in ns ({@code null} for NULL) and where
     * the event list was.
     */
    record Call(List<Change> changes, int nevents, Long timeoutNanos, long eventsAddress) {
        boolean isWait() {
            return changes.isEmpty() && nevents > 0;
        }
    }

    /** An entry the fake kernel returns. */
    record Entry(long ident, short filter, int flags, int fflags, long data) {}

    private record Knote(long ident, short filter) {}

    static final int KQ_FD = 42;

    private final KeventAbi abi;
    private final Set<Knote> knotes = new LinkedHashSet<>();
    private final Map<Knote, Integer> failingAdds = new HashMap<>();
    private final Map<Knote, Integer> failingDeletes = new HashMap<>();
    private final Deque<Integer> callErrors = new ArrayDeque<>();
    private final Set<Long> closedFds = new HashSet<>();
    private final Deque<Integer> waitErrors = new ArrayDeque<>();
    private final List<Entry> levelReady = new ArrayList<>();
    private final List<Entry> rawOnce = new ArrayList<>();
    private final List<Call> calls = new ArrayList<>();
    private int kqueueErrno;
    private boolean userTriggered;
    private int closes;

    FakeKqueue(KeventAbi abi) {
        this.abi = abi;
    }

    // ---------------------------------------------------------------- scripting

    /** The next kqueue() fails with {@code errno}. */
    synchronized FakeKqueue failKqueue(int errno) {
        kqueueErrno = errno;
        return this;
    }

    /** Every EV_ADD of ({@code fd}, {@code filter}) fails with {@code errno}. */
    synchronized FakeKqueue failAdd(long fd, short filter, int errno) {
        failingAdds.put(new Knote(fd, filter), errno);
        return this;
    }

    /** Every EV_DELETE of ({@code fd}, {@code filter}) fails with {@code errno}. */
    synchronized FakeKqueue failDelete(long fd, short filter, int errno) {
        failingDeletes.put(new Knote(fd, filter), errno);
        return this;
    }

    /** The next kevent call fails as a whole with {@code errno}, before any change is applied. */
    synchronized FakeKqueue failNextCall(int errno) {
        callErrors.add(errno);
        return this;
    }

    /** {@code fd} was closed and its number reused by a new file: knotes gone, fd valid again. */
    synchronized FakeKqueue reopenFd(long fd) {
        closedFds.remove(fd);
        knotes.removeIf(k -> k.ident == fd && k.filter != abi.evfiltUser());
        return this;
    }

    /** {@code fd} is closed: the kernel has dropped its knotes, and changes get EBADF. */
    synchronized FakeKqueue closeFd(long fd) {
        closedFds.add(fd);
        knotes.removeIf(k -> k.ident == fd && k.filter != abi.evfiltUser());
        return this;
    }

    /** The filter is ready (level-triggered): reported by every wait while its knote exists. */
    synchronized FakeKqueue ready(long fd, short filter, int flags) {
        levelReady.add(new Entry(fd, filter, flags, 0, 0));
        return this;
    }

    /** Clears all level-triggered readiness. */
    synchronized FakeKqueue notReady() {
        levelReady.clear();
        return this;
    }

    /** The next wait returns this entry first, whether or not a knote matches. */
    synchronized FakeKqueue rawOnce(long ident, short filter, int flags, long data) {
        rawOnce.add(new Entry(ident, filter, flags, 0, data));
        return this;
    }

    /** The next wait fails with {@code errno} (EINTR: a signal arrived). */
    synchronized FakeKqueue failNextWait(int errno) {
        waitErrors.add(errno);
        return this;
    }

    // ---------------------------------------------------------------- inspection

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized Call lastCall() {
        return calls.getLast();
    }

    synchronized List<Call> waits() {
        return calls.stream().filter(Call::isWait).toList();
    }

    /** The (ident, filter) pairs registered, as "fd:filter" strings in insertion order. */
    synchronized List<String> knotes() {
        return knotes.stream().map(k -> k.ident + ":" + k.filter).toList();
    }

    synchronized boolean userTriggered() {
        return userTriggered;
    }

    synchronized int closes() {
        return closes;
    }

    // ---------------------------------------------------------------- the syscalls

    @Override
    public synchronized int kqueue() {
        return kqueueErrno != 0 ? -kqueueErrno : KQ_FD;
    }

    @Override
    public synchronized void close(int fd) {
        if (fd == KQ_FD) {
            closes++;
        }
    }

    @Override
    public synchronized int kevent(int kq, MemorySegment changes, int nchanges, MemorySegment events,
            int nevents, MemorySegment timeout) {
        if (nchanges < 0 || nevents < 0 || changes.byteSize() < nchanges * abi.size()
                || events.byteSize() < nevents * abi.size()) {
            throw new AssertionError("kevent buffers too small: nchanges=" + nchanges + " nevents=" + nevents);
        }
        List<Change> decoded = new ArrayList<>();
        for (int i = 0; i < nchanges; i++) {
            decoded.add(new Change(abi.ident(changes, i), abi.filter(changes, i), abi.flags(changes, i),
                    abi.fflags(changes, i)));
        }
        Long nanos = timeout.equals(MemorySegment.NULL) ? null : KeventAbi.readTimespec(timeout);
        calls.add(new Call(List.copyOf(decoded), nevents, nanos, events.address()));
        if (kq != KQ_FD || closes > 0) {
            return -Errno.EBADF;
        }
        if (!callErrors.isEmpty()) {
            return -callErrors.poll();
        }
        int out = 0;
        for (Change c : decoded) {
            int errno = apply(c);
            if (errno != 0 || (c.flags & KeventAbi.EV_RECEIPT) != 0) {
                if (out < nevents) {
                    write(events, out++, new Entry(c.ident, c.filter, c.flags | KeventAbi.EV_ERROR, 0, errno));
                } else if (errno != 0) {
                    return -errno; // no room to report it: the call fails and stops here
                }
            }
        }
        if (out > 0 || nevents == 0) {
            return out; // nevents == 0 returns at once whatever the timeout (bpo-29255)
        }
        if (!waitErrors.isEmpty()) {
            return -waitErrors.poll();
        }
        for (Entry e : rawOnce) {
            if (out < nevents) {
                write(events, out++, e);
            }
        }
        rawOnce.clear();
        Knote user = new Knote(KqueueSelector.WAKEUP_IDENT, abi.evfiltUser());
        if (userTriggered && knotes.contains(user) && out < nevents) {
            write(events, out++, new Entry(user.ident, user.filter, KeventAbi.EV_CLEAR, 0, 0));
            userTriggered = false; // EV_CLEAR: reported once, then reset
        }
        for (Entry e : levelReady) {
            if (out < nevents && knotes.contains(new Knote(e.ident, e.filter))) {
                write(events, out++, e);
            }
        }
        return out;
    }

    private int apply(Change c) {
        Knote k = new Knote(c.ident, c.filter);
        boolean add = (c.flags & KeventAbi.EV_ADD) != 0;
        boolean delete = (c.flags & KeventAbi.EV_DELETE) != 0;
        if (c.filter == abi.evfiltUser()) {
            if (add) {
                knotes.add(k);
            } else if (delete && !knotes.remove(k)) {
                return Errno.ENOENT;
            }
            if ((c.fflags & KeventAbi.NOTE_TRIGGER) != 0) {
                if (!knotes.contains(k)) {
                    return Errno.ENOENT;
                }
                userTriggered = true;
            }
            return 0;
        }
        if (c.filter != KeventAbi.EVFILT_READ && c.filter != KeventAbi.EVFILT_WRITE) {
            return Errno.EINVAL;
        }
        if (closedFds.contains(c.ident)) {
            return Errno.EBADF;
        }
        if (add) {
            Integer errno = failingAdds.get(k);
            if (errno != null) {
                return errno;
            }
            knotes.add(k);
            return 0;
        }
        if (delete) {
            Integer errno = failingDeletes.get(k);
            if (errno != null) {
                return errno;
            }
            return knotes.remove(k) ? 0 : Errno.ENOENT;
        }
        return Errno.EINVAL;
    }

    private void write(MemorySegment events, int index, Entry e) {
        abi.set(events, index, e.ident, e.filter, e.flags, e.fflags);
        abi.setData(events, index, e.data);
    }
}
