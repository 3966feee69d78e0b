package io.jselectors.kqueue;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.jselectors.posix.Errno;
import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Arrays;

/**
 * A kqueue "kernel" for Linux, built on poll(2) and a pipe, so that KqueueSelector's translation
 * logic runs the whole contract suite against real file descriptors on a machine without kqueue.
 * It keeps the kqueue rules the selector depends on: knotes per (fd, filter), EV_RECEIPT entries,
 * ENOENT for a delete of nothing, EBADF for a closed fd, EV_EOF when the peer hung up, filters of
 * a closed fd vanishing, and an EVFILT_USER event that coalesces (a non-blocking pipe that is
 * drained when reported). Linux x86_64/aarch64 only (nfds_t is unsigned long; POLL* values).
 *
 * <p>Not the real thing: it proves the selector's side of the conversation, not the kernel's.
 */
final class PollKqueue implements KqueueSyscalls {

    private static final short POLLIN = 0x1;
    private static final short POLLOUT = 0x4;
    private static final short POLLERR = 0x8;
    private static final short POLLHUP = 0x10;
    private static final short POLLNVAL = 0x20;
    private static final long POLLFD_SIZE = 8; // struct pollfd { int fd; short events; short revents; }

    private static final MethodHandle POLL =
            Native.downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private final KeventAbi abi;
    // The knotes as parallel arrays (fd, READ=1/WRITE=2 bits), so a wait allocates nothing: the
    // contract suite measures allocation per select, and this stand-in must not spoil it.
    // Changed only by the selecting thread; guarded by this all the same.
    private int[] knoteFd = new int[16];
    private int[] knoteBits = new int[16];
    private int knotes;
    private final Arena arena = Arena.ofAuto();
    private MemorySegment pollfds = arena.allocate(POLLFD_SIZE * 17, 8);
    private volatile boolean userAdded;
    private int wakeRead = -1;
    private int wakeWrite = -1;

    PollKqueue(KeventAbi abi) {
        this.abi = abi;
    }

    @Override
    public int kqueue() {
        try {
            int[] p = Libc.pipe();
            wakeRead = p[0];
            wakeWrite = p[1];
            return wakeRead; // a real fd stands for the kqueue
        } catch (ErrnoException e) {
            return -e.errno();
        }
    }

    @Override
    public void close(int fd) {
        try {
            Libc.close(wakeRead);
            Libc.close(wakeWrite);
        } catch (ErrnoException ignored) {
            // test helper: nothing to do
        }
    }

    @Override
    public int kevent(int kq, MemorySegment changes, int nchanges, MemorySegment events, int nevents,
            MemorySegment timeout) {
        int out = 0;
        for (int i = 0; i < nchanges; i++) {
            int errno = apply(abi.ident(changes, i), abi.filter(changes, i), abi.flags(changes, i),
                    abi.fflags(changes, i));
            int flags = abi.flags(changes, i);
            if (errno != 0 || (flags & KeventAbi.EV_RECEIPT) != 0) {
                if (out < nevents) {
                    abi.set(events, out, abi.ident(changes, i), abi.filter(changes, i), flags | KeventAbi.EV_ERROR, 0);
                    abi.setData(events, out++, errno);
                } else if (errno != 0) {
                    return -errno;
                }
            }
        }
        if (out > 0 || nevents == 0) {
            return out;
        }
        return waitForEvents(events, nevents, timeout);
    }

    private synchronized int apply(long ident, short filter, int flags, int fflags) {
        if (filter == abi.evfiltUser()) {
            if ((flags & KeventAbi.EV_ADD) != 0) {
                userAdded = true;
            }
            if ((fflags & KeventAbi.NOTE_TRIGGER) != 0) {
                try {
                    Libc.write(wakeWrite, new byte[] {1});
                } catch (ErrnoException e) {
                    // EAGAIN: the pipe is full of wakeups already; they coalesce anyway
                }
            }
            return 0;
        }
        int bit = filter == KeventAbi.EVFILT_READ ? 1 : filter == KeventAbi.EVFILT_WRITE ? 2 : 0;
        if (bit == 0) {
            return Errno.EINVAL;
        }
        try {
            Libc.fcntl((int) ident, 1 /* F_GETFD */, 0);
        } catch (ErrnoException e) {
            return Errno.EBADF;
        }
        int slot = find((int) ident);
        int bits = slot < 0 ? 0 : knoteBits[slot];
        if ((flags & KeventAbi.EV_ADD) != 0) {
            if (slot < 0) {
                if (knotes == knoteFd.length) {
                    knoteFd = Arrays.copyOf(knoteFd, knotes * 2);
                    knoteBits = Arrays.copyOf(knoteBits, knotes * 2);
                }
                slot = knotes++;
                knoteFd[slot] = (int) ident;
            }
            knoteBits[slot] = bits | bit;
            return 0;
        }
        if ((flags & KeventAbi.EV_DELETE) != 0) {
            if ((bits & bit) == 0) {
                return Errno.ENOENT;
            }
            knoteBits[slot] = bits & ~bit;
            if (knoteBits[slot] == 0) {
                removeSlot(slot);
            }
            return 0;
        }
        return Errno.EINVAL;
    }

    private int find(int fd) {
        for (int i = 0; i < knotes; i++) {
            if (knoteFd[i] == fd) {
                return i;
            }
        }
        return -1;
    }

    private void removeSlot(int slot) {
        knotes--;
        knoteFd[slot] = knoteFd[knotes];
        knoteBits[slot] = knoteBits[knotes];
    }

    /** Fills {@link #pollfds}: the wakeup pipe first, then one entry per watched fd. */
    private synchronized int fillPollfds() {
        long needed = POLLFD_SIZE * (knotes + 1);
        if (pollfds.byteSize() < needed) {
            pollfds = arena.allocate(needed * 2, 8);
        }
        pollfds.set(JAVA_INT, 0, wakeRead);
        pollfds.set(JAVA_SHORT, 4, POLLIN);
        pollfds.set(JAVA_SHORT, 6, (short) 0);
        for (int i = 0; i < knotes; i++) {
            long base = POLLFD_SIZE * (i + 1);
            pollfds.set(JAVA_INT, base, knoteFd[i]);
            int bits = knoteBits[i];
            pollfds.set(JAVA_SHORT, base + 4, (short) (((bits & 1) != 0 ? POLLIN : 0) | ((bits & 2) != 0 ? POLLOUT : 0)));
            pollfds.set(JAVA_SHORT, base + 6, (short) 0);
        }
        return knotes;
    }

    private synchronized void dropClosed(int fd) {
        int slot = find(fd);
        if (slot >= 0) {
            removeSlot(slot); // closing an fd removes its knotes in a real kqueue
        }
    }

    private int waitForEvents(MemorySegment events, int nevents, MemorySegment timeout) {
        int watched = fillPollfds();
        MemorySegment fds = pollfds;
        int timeoutMs = timeout.equals(MemorySegment.NULL) ? -1
                : (int) Math.min(Integer.MAX_VALUE, (KeventAbi.readTimespec(timeout) + 999_999) / 1_000_000);
        try {
            MemorySegment state = Native.threadCallState();
            int n = (int) POLL.invokeExact(state, fds, (long) (watched + 1), timeoutMs);
            if (n < 0) {
                return -Native.errno(state);
            }
            int out = 0;
            if ((fds.get(JAVA_SHORT, 6) & POLLIN) != 0 && userAdded) {
                while (Libc.read(wakeRead, 64) != null) {
                    // drain: EV_CLEAR, every trigger so far is reported once
                }
                abi.set(events, out++, KqueueSelector.WAKEUP_IDENT, abi.evfiltUser(), KeventAbi.EV_CLEAR, 0);
            }
            for (int i = 0; i < watched && out < nevents; i++) {
                long base = POLLFD_SIZE * (i + 1);
                int fd = fds.get(JAVA_INT, base);
                short asked = fds.get(JAVA_SHORT, base + 4);
                short revents = fds.get(JAVA_SHORT, base + 6);
                if ((revents & POLLNVAL) != 0) {
                    dropClosed(fd);
                    continue;
                }
                int eof = (revents & (POLLHUP | POLLERR)) != 0 ? KeventAbi.EV_EOF : 0;
                if ((asked & POLLIN) != 0 && (revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                    abi.set(events, out++, fd, KeventAbi.EVFILT_READ, eof, 0);
                }
                if ((asked & POLLOUT) != 0 && (revents & (POLLOUT | POLLHUP | POLLERR)) != 0 && out < nevents) {
                    abi.set(events, out++, fd, KeventAbi.EVFILT_WRITE, eof, 0);
                }
            }
            return out;
        } catch (ErrnoException e) {
            return -e.errno();
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
