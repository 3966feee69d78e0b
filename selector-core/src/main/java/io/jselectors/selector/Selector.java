package io.jselectors.selector;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Waits for I/O readiness on many file descriptors: Python's {@code selectors.BaseSelector}.
 *
 * {@snippet :
 * try (Selector selector = Selector.open()) {
 *     selector.register(listenerFd, Selector.EVENT_READ, "accept");
 *     for (Ready ready : selector.select(Duration.ofSeconds(1))) {
 *         System.out.println(ready.key().data() + " is ready for " + ready.events());
 *     }
 * }
 * }
 *
 * <h2>File objects</h2>
 * A file object is an {@link Integer} file descriptor, a {@link HasFileno}, or, on the {@code nio}
 * backend only, a {@link java.nio.channels.SelectableChannel}. Everything is keyed by the
 * resolved fd: registering the same fd through a second object is refused, and a key can be found
 * by its int fd as well as by its object. An object that cannot give its fd any more (it was
 * closed) is found by identity, so it can still be unregistered.
 *
 * <h2>Threads</h2>
 * A selector belongs to one thread. Only {@link #wakeup()} may be called from other threads; every
 * other method, including those called from a {@link ReadyConsumer}, runs on the selecting thread.
 * Nothing else is synchronized.
 *
 * <h2>Timeouts</h2>
 * {@code null} blocks until something is ready (or {@link #wakeup()}); zero or negative polls
 * without blocking, as Python does (the kernel's "negative means forever" is never reached);
 * positive waits at least that long, rounded up to the backend's clock unit, never down to zero.
 * Interrupted system calls are retried with the time that remains (PEP 475).
 * {@link Thread#interrupt()} does not end a select on the native backends; {@link #wakeup()}
 * does. (On {@code nio} the JDK's selector returns early on interrupt and leaves the interrupt
 * status set.)
 *
 * <h2>Where this differs from CPython</h2>
 * <ul>
 *   <li>{@link #modify} validates its mask before it touches anything, and keeps the registration
 *       if the mask is invalid (CPython unregisters first, or stores the bad mask).
 *   <li>Every method except {@link #close()} and {@link #wakeup()} throws {@link
 *       java.nio.channels.ClosedSelectorException} once the selector is closed, on every backend
 *       (CPython differs per backend). A map view taken before close reads as empty.
 *   <li>Errors map to Java types: a bad mask, a negative fd or an object without a usable fd is an
 *       {@link IllegalArgumentException}; "already registered" is {@link
 *       AlreadyRegisteredException}; "not registered" is {@link NotRegisteredException}; a kernel
 *       refusal is an {@link IOException} naming the errno.
 *   <li>A ready fd whose mask, after masking with its key's events, is empty is not reported.
 * </ul>
 */
public interface Selector extends AutoCloseable {

    /** Readable: a read will not block. Python's {@code EVENT_READ}. */
    int EVENT_READ = 1;

    /** Writable: a write will not block. Python's {@code EVENT_WRITE}. */
    int EVENT_WRITE = 2;

    /**
     * Reported only by an edge-triggered selector ({@link SelectorOption#EDGE_TRIGGERED}), together
     * with {@link #EVENT_READ}: the peer has shut down its sending side, or the fd hung up or failed.
     * No further event comes for it, so the reader reads on until end of stream or an error, even
     * after a short read (the data and the FIN may have come in one event). Never an interest:
     * {@link #register} refuses it.
     */
    int EVENT_PEER_CLOSED = 4;

    /** {@link #selectNanos(long, ReadyConsumer)}'s timeout that waits with no limit. */
    long INFINITE = Long.MAX_VALUE;

    /**
     * Opens the best selector available here, Python's {@code DefaultSelector}: epoll on Linux,
     * kqueue on macOS and FreeBSD, then poll, select and nio. The system property {@code
     * jselectors.selector} names a backend to use instead.
     *
     * @throws IOException if the backend cannot create its kernel object
     * @throws IllegalStateException if no backend is available, with the reason of each
     */
    static Selector open() throws IOException {
        return Providers.openDefault();
    }

    /**
     * Opens the named backend: {@code epoll}, {@code kqueue}, {@code poll}, {@code select} or
     * {@code nio} (or any other installed provider's name).
     *
     * @throws IllegalArgumentException if no provider has that name, or it is not available here
     *     (the message says why)
     * @throws UnsupportedOperationException if the backend does not support an option
     */
    static Selector open(String name, SelectorOption... options) throws IOException {
        return Providers.open(name, options);
    }

    /** Lists every installed backend, best first, with whether it works here and why not. */
    static List<BackendInfo> available() {
        return Providers.describe();
    }

    /** Registers a file object for events with no data; see {@link #register(Object, int, Object)}. */
    default SelectorKey register(Object fileobj, int events) throws IOException {
        return register(fileobj, events, null);
    }

    /**
     * Registers a file object.
     *
     * @param fileobj an {@link Integer} fd, a {@link HasFileno} or (nio) a channel
     * @param events {@link #EVENT_READ}, {@link #EVENT_WRITE} or both
     * @param data an attachment handed back with the key
     * @return the new key
     * @throws IllegalArgumentException if {@code events} is not a non-empty subset of READ|WRITE
     *     (checked first), or the object has no usable fd
     * @throws AlreadyRegisteredException if the fd is already registered
     * @throws IOException if the kernel refuses it (the registration is then rolled back)
     */
    SelectorKey register(Object fileobj, int events, Object data) throws IOException;

    /**
     * Unregisters a file object and returns its key. Works after the fd was closed: the kernel's
     * complaint about a closed or reused fd is ignored. Unregister before closing where you can.
     *
     * @throws NotRegisteredException if it is not registered
     */
    SelectorKey unregister(Object fileobj) throws IOException;

    /**
     * Changes the events and data of a registration, atomically. Same events and new data only
     * replaces the key (no system call); nothing changed returns the same key. The key keeps the
     * object it was registered with.
     *
     * <p>Differs from CPython: the mask is validated before anything is touched. If the kernel
     * refuses the change, the registration is removed (from the map and the kernel) and the error
     * is thrown, as CPython's poll-like selectors do.
     *
     * @throws IllegalArgumentException for an invalid mask or object
     * @throws NotRegisteredException if it is not registered
     */
    SelectorKey modify(Object fileobj, int events, Object data) throws IOException;

    /**
     * Waits for readiness and returns the ready keys, one entry per ready fd (on every backend;
     * kqueue's separate READ and WRITE filters are merged). Allocates the result; see {@link
     * #select(Duration, ReadyConsumer)} for the allocation-free form.
     *
     * @param timeout {@code null} blocks, zero or negative polls, positive waits at most that long
     */
    List<Ready> select(Duration timeout) throws IOException;

    /**
     * Waits for readiness and hands each ready key to {@code consumer}; allocates nothing per call
     * once warm.
     *
     * @return the number of keys handed to the consumer
     */
    int select(Duration timeout, ReadyConsumer consumer) throws IOException;

    /**
     * {@link #select(Duration, ReadyConsumer)} with a timeout in nanoseconds, for event loops that
     * compute a timeout every turn: {@link #INFINITE} blocks, zero or negative polls.
     */
    int selectNanos(long timeoutNanos, ReadyConsumer consumer) throws IOException;

    /**
     * Makes the current or next {@code select} return at once. Safe from any thread; wakeups
     * before a select coalesce into one.
     */
    void wakeup();

    /**
     * Returns the key of a registered file object.
     *
     * @throws NotRegisteredException if it is not registered
     * @throws IllegalArgumentException if the object has no usable fd and is not registered
     * @throws java.nio.channels.ClosedSelectorException if the selector is closed
     */
    SelectorKey getKey(Object fileobj);

    /**
     * Returns a read-only live view of the registrations. Its keys are the registered fds as
     * {@link Integer}s, iterated in ascending order; {@code get} and {@code containsKey} also take
     * the registered objects. A view taken before {@link #close()} reads as empty afterwards.
     */
    Map<Object, SelectorKey> getMap();

    /** The backend's name: {@code epoll}, {@code kqueue}, {@code poll}, {@code select} or {@code nio}. */
    String name();

    /**
     * Whether this selector reports readiness edge-triggered ({@link SelectorOption#EDGE_TRIGGERED}):
     * once per change, not for as long as it lasts. False unless the selector was opened so.
     */
    default boolean isEdgeTriggered() {
        return false;
    }

    /**
     * The fd of the kernel object behind this selector (epoll and kqueue), as Python's {@code
     * fileno()}; {@code -1} for backends without one.
     */
    default int fileno() {
        return -1;
    }

    /**
     * Releases the kernel object. Registered file objects are not closed. Idempotent.
     */
    @Override
    void close() throws IOException;
}
