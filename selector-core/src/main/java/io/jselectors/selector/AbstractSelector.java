package io.jselectors.selector;

import java.io.IOException;
import java.nio.channels.ClosedSelectorException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The bookkeeping every backend shares, CPython's {@code _BaseSelectorImpl}: the fd to key table,
 * file object resolution with the identity fallback, argument checks in Python's order, rollback
 * when the kernel refuses, the read-only map view, timeout conversion and the EINTR retry loop.
 *
 * <p>A backend only talks to the kernel: {@link #kernelRegister}, {@link #kernelModify}, {@link
 * #kernelUnregister}, {@link #kernelSelect}, {@link #wakeup()} and {@link #kernelClose()}. Its
 * {@code kernelSelect} reports each ready fd through {@link #dispatch}, which masks the kernel's
 * events with the key's and drops fds that are no longer registered.
 */
public abstract class AbstractSelector implements Selector {

    private final String name;
    private final KeyTable keys = new KeyTable();
    private final KeyMapView mapView = new KeyMapView(this);
    private boolean closed;

    /** Creates the bookkeeping for a backend named {@code name}. */
    protected AbstractSelector(String name) {
        this.name = name;
    }

    // ---------------------------------------------------------------- kernel steps (backends)

    /**
     * Adds a new registration to the kernel. The key is already in the table; if this throws, the
     * table entry is removed again and the exception propagates.
     */
    protected abstract void kernelRegister(SelectorKey key) throws IOException;

    /**
     * Changes the events of a registration in the kernel ({@code oldKey.events() != newKey.events()}).
     * If this throws, the table entry is removed and {@link #kernelUnregister}{@code (oldKey)} is
     * called next, so a backend that changes the kernel in several steps (kqueue's filters) must
     * leave it where unregistering {@code oldKey} removes everything it added.
     */
    protected abstract void kernelModify(SelectorKey oldKey, SelectorKey newKey) throws IOException;

    /**
     * Removes a registration from the kernel. The key is already out of the table. Must not throw
     * for an fd that was closed or reused since it was registered (EBADF, ENOENT).
     */
    protected abstract void kernelUnregister(SelectorKey key) throws IOException;

    /**
     * Waits up to {@code timeoutNanos} ({@link #INFINITE}, 0 to poll) and reports every ready fd
     * through {@link #dispatch}.
     *
     * @return the number of keys dispatched, or {@code -1} if the wait was interrupted (EINTR) so
     *     the caller retries with the time that remains
     */
    protected abstract int kernelSelect(long timeoutNanos, ReadyConsumer consumer) throws IOException;

    /** Releases the kernel object; called once, by the first {@link #close()}. */
    protected abstract void kernelClose() throws IOException;

    /**
     * Resolves a file object to its fd, Python's {@code _fileobj_to_fd}: an {@link Integer} is the
     * fd, a {@link HasFileno} gives it. Backends taking other objects (nio: channels) override and
     * call this for the rest.
     *
     * @throws IllegalArgumentException for anything else, or a negative fd
     */
    protected int fileobjToFd(Object fileobj) {
        int fd;
        if (fileobj instanceof Integer i) {
            fd = i;
        } else if (fileobj instanceof HasFileno h) {
            try {
                fd = h.fileno();
            } catch (IllegalStateException | UnsupportedOperationException e) {
                throw new IllegalArgumentException("Invalid file object: " + fileobj);
            }
        } else {
            throw new IllegalArgumentException("Invalid file object: " + fileobj);
        }
        if (fd < 0) {
            throw new IllegalArgumentException("Invalid file descriptor: " + fd);
        }
        return fd;
    }

    // ---------------------------------------------------------------- for backends

    /**
     * Reports one ready fd to the consumer: masks {@code readyEvents} with the key's events, and
     * skips fds that are not registered (stale kernel events) or whose masked events are empty.
     *
     * @return {@code true} if the consumer was called
     */
    protected final boolean dispatch(int fd, int readyEvents, ReadyConsumer consumer) {
        SelectorKey key = keys.get(fd);
        if (key == null) {
            return false;
        }
        int mask = readyEvents & key.events();
        if (mask == 0) {
            return false;
        }
        consumer.accept(key, mask);
        return true;
    }

    /**
     * Generic events as a kernel's interest bits (mapped at the edge, as in CPython): {@code
     * readBits} if {@code events} has READ, plus {@code writeBits} if it has WRITE.
     */
    protected static int interestBits(int events, int readBits, int writeBits) {
        return ((events & EVENT_READ) != 0 ? readBits : 0) | ((events & EVENT_WRITE) != 0 ? writeBits : 0);
    }

    /**
     * A kernel's readiness bits as READ/WRITE. Any of {@code failureBits} (a hang-up, an error, a
     * closed fd) makes both ready, as in Python: the caller finds EOF or the error on its next read
     * or write. {@link #dispatch} then masks the result with the key's events.
     */
    protected static int readyEvents(int kernelBits, int readBits, int writeBits, int failureBits) {
        int failed = kernelBits & failureBits;
        return ((kernelBits & readBits) != 0 || failed != 0 ? EVENT_READ : 0)
                | ((kernelBits & writeBits) != 0 || failed != 0 ? EVENT_WRITE : 0);
    }

    /** The key registered for {@code fd}, or {@code null}. */
    protected final SelectorKey keyFor(int fd) {
        return keys.get(fd);
    }

    /** The number of registered fds. */
    protected final int registeredCount() {
        return keys.size();
    }

    /** The highest registered fd, or {@code -1}. */
    protected final int maxRegisteredFd() {
        return keys.maxFd();
    }

    /** Throws {@link ClosedSelectorException} if this selector is closed. */
    protected final void ensureOpen() {
        if (closed) {
            throw new ClosedSelectorException();
        }
    }

    /** Whether {@link #close()} has been called. */
    protected final boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- the contract

    @Override
    public final SelectorKey register(Object fileobj, int events, Object data) throws IOException {
        ensureOpen();
        checkEvents(events);
        int fd = lookupFd(fileobj);
        SelectorKey existing = keys.get(fd);
        if (existing != null) {
            throw new AlreadyRegisteredException(fileobj, fd);
        }
        SelectorKey key = new SelectorKey(fileobj, fd, events, data);
        keys.put(fd, key);
        try {
            kernelRegister(key);
        } catch (Throwable t) {
            keys.remove(fd);
            throw t;
        }
        return key;
    }

    @Override
    public final SelectorKey unregister(Object fileobj) throws IOException {
        ensureOpen();
        int fd = lookupFd(fileobj);
        SelectorKey key = keys.remove(fd);
        if (key == null) {
            throw new NotRegisteredException(fileobj);
        }
        kernelUnregister(key);
        return key;
    }

    @Override
    public final SelectorKey modify(Object fileobj, int events, Object data) throws IOException {
        ensureOpen();
        checkEvents(events);
        int fd = lookupFd(fileobj);
        SelectorKey key = keys.get(fd);
        if (key == null) {
            throw new NotRegisteredException(fileobj);
        }
        if (events != key.events()) {
            SelectorKey changed = key.withEvents(events, data);
            try {
                kernelModify(key, changed);
            } catch (Throwable t) {
                // The kernel may or may not still hold the old registration; drop both so a
                // level-triggered backend cannot keep reporting an fd nobody owns any more.
                keys.remove(fd);
                try {
                    kernelUnregister(key);
                } catch (IOException | RuntimeException suppressed) {
                    t.addSuppressed(suppressed);
                }
                throw t;
            }
            keys.put(fd, changed);
            return changed;
        }
        if (!java.util.Objects.equals(data, key.data())) {
            SelectorKey changed = key.withEvents(events, data);
            keys.put(fd, changed);
            return changed;
        }
        return key;
    }

    @Override
    public final List<Ready> select(Duration timeout) throws IOException {
        List<Ready> ready = new ArrayList<>();
        select(timeout, (key, events) -> ready.add(new Ready(key, events)));
        return ready;
    }

    @Override
    public final int select(Duration timeout, ReadyConsumer consumer) throws IOException {
        return selectNanos(Timeouts.toNanos(timeout), consumer);
    }

    @Override
    public final int selectNanos(long timeoutNanos, ReadyConsumer consumer) throws IOException {
        ensureOpen();
        long remaining = Math.max(timeoutNanos, 0);
        // No clock read for a poll or an endless wait: only a timed wait resumes after EINTR
        // with what is left, and a loop that polls pays the ~27 ns read per poll otherwise.
        long deadline = remaining == INFINITE || remaining == 0 ? 0 : System.nanoTime() + remaining;
        for (;;) {
            int n = kernelSelect(remaining, consumer);
            if (n >= 0) {
                return n;
            }
            // EINTR (PEP 475): wait again for what is left, never the whole timeout again.
            ensureOpen();
            if (remaining != INFINITE && remaining != 0) {
                remaining = deadline - System.nanoTime();
                if (remaining <= 0) {
                    return 0;
                }
            }
        }
    }

    @Override
    public final SelectorKey getKey(Object fileobj) {
        ensureOpen();
        SelectorKey key = keys.get(lookupFd(fileobj));
        if (key == null) {
            throw new NotRegisteredException(fileobj);
        }
        return key;
    }

    @Override
    public final Map<Object, SelectorKey> getMap() {
        ensureOpen();
        return mapView;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        keys.clear();
        kernelClose();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + (closed ? "closed" : keys.size() + " registered") + "]";
    }

    // ---------------------------------------------------------------- helpers

    private static void checkEvents(int events) {
        if (events == 0 || (events & ~(EVENT_READ | EVENT_WRITE)) != 0) {
            throw new IllegalArgumentException("Invalid events: " + events);
        }
    }

    /**
     * Python's {@code _fileobj_lookup}: resolve the fd, and if the object cannot give one any more,
     * find the key registered with that very object.
     */
    final int lookupFd(Object fileobj) {
        try {
            return fileobjToFd(fileobj);
        } catch (IllegalArgumentException e) {
            int fd = keys.fdOfIdentical(fileobj);
            if (fd >= 0) {
                return fd;
            }
            throw e;
        }
    }

    /** The table behind the map view; empty once closed. */
    final KeyTable table() {
        return keys;
    }
}
