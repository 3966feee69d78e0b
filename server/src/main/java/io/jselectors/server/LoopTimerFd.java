package io.jselectors.server;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.jselectors.posix.ErrnoException;
import io.jselectors.posix.Libc;
import io.jselectors.posix.Native;
import io.jselectors.posix.Platform;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * A Linux {@code timerfd} that carries an event loop's next timer deadline, so that the loop's
 * blocking {@code epoll_wait} can be endless ({@link IoLoop}).
 *
 * <p><b>Why.</b> A loop with any timer pending (every worker has its idle sweep) used to pass the
 * time to that timer as {@code epoll_wait}'s timeout, and every wait that then sleeps arms and
 * cancels a kernel high-resolution timer for it (on this project's VM about 0.3–0.5 µs per sleep,
 * bench/PROFILE.md, tenth pass). Sleeps per operation grow with the number of loops (each loop sees
 * a share of the connections, so finds its share of the events per wait), so that cost grew with
 * {@code --workers}. The timerfd is armed once per distinct deadline instead, and the wait is
 * endless while the deadline it holds is unchanged.
 *
 * <p><b>Contract.</b> One owner thread (the loop's) calls {@link #arm} and {@link #drain}; {@link
 * #close} once, after the loop's selector no longer watches the fd. The fd is non-blocking and
 * close-on-exec, on {@code CLOCK_MONOTONIC} (the clock of {@link System#nanoTime()} on Linux; the
 * loop does not rely on that: it arms a relative delay and re-arms after every expiry).
 */
final class LoopTimerFd implements AutoCloseable {

    /** {@code CLOCK_MONOTONIC} ({@code <time.h>}). */
    private static final int CLOCK_MONOTONIC = 1;
    /** {@code TFD_NONBLOCK | TFD_CLOEXEC}: {@code O_NONBLOCK} and {@code O_CLOEXEC} on Linux. */
    private static final int FLAGS = 04000 | 02000000;
    /** {@code struct itimerspec}: it_interval then it_value, each {@code {time_t sec; long nsec}}. */
    private static final long ITIMERSPEC_SIZE = 32;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private static final boolean LINUX = Platform.current() == Platform.LINUX;

    // int timerfd_create(int clockid, int flags);
    private static final Optional<MethodHandle> CREATE = LINUX
            ? Native.downcallIfPresent("timerfd_create", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT))
            : Optional.empty();
    // int timerfd_settime(int fd, int flags, const struct itimerspec *new, struct itimerspec *old);
    private static final Optional<MethodHandle> SETTIME = LINUX
            ? Native.downcallIfPresent("timerfd_settime",
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS))
            : Optional.empty();
    private final int fd;
    // Automatic arena: lives as long as this object; only the owner thread touches these.
    private final Arena arena = Arena.ofAuto();
    private final MemorySegment callState = Native.newCallState(arena);
    private final MemorySegment spec = arena.allocate(ITIMERSPEC_SIZE, 8);
    private final MemorySegment expirations = arena.allocate(JAVA_LONG);
    private boolean closed;

    private LoopTimerFd(int fd) {
        this.fd = fd;
    }

    /** Whether this platform has timerfds (Linux with the calls in its C library). */
    static boolean available() {
        return CREATE.isPresent() && SETTIME.isPresent();
    }

    /**
     * A new disarmed timerfd, or empty where there is none ({@link #available()} false, or the
     * kernel refused one: then the loop keeps passing its timeout to the wait, which is correct).
     */
    static Optional<LoopTimerFd> open() {
        if (!available()) {
            return Optional.empty();
        }
        try (Arena a = Arena.ofConfined()) {
            int fd = (int) CREATE.get().invokeExact(Native.newCallState(a), CLOCK_MONOTONIC, FLAGS);
            return fd < 0 ? Optional.empty() : Optional.of(new LoopTimerFd(fd));
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** The fd, readable once an armed delay has passed. */
    int fd() {
        return fd;
    }

    /**
     * Arms the timer to expire once, {@code delayNanos} from now (replacing any earlier arming).
     *
     * @param delayNanos more than 0 (0 would disarm it)
     */
    void arm(long delayNanos) throws ErrnoException {
        if (delayNanos <= 0) {
            throw new IllegalArgumentException("delay must be positive: " + delayNanos);
        }
        spec.set(JAVA_LONG, 0, 0L); // no interval: one expiry per arming
        spec.set(JAVA_LONG, 8, 0L);
        spec.set(JAVA_LONG, 16, delayNanos / NANOS_PER_SECOND);
        spec.set(JAVA_LONG, 24, delayNanos % NANOS_PER_SECOND);
        try {
            // SAFETY: spec is a live 32-byte struct itimerspec owned by this object; the old value
            // pointer is NULL, which timerfd_settime allows.
            int rc = (int) SETTIME.get().invokeExact(callState, fd, 0, spec, MemorySegment.NULL);
            Native.check("timerfd_settime", rc, callState);
        } catch (ErrnoException e) {
            throw e;
        } catch (Throwable t) {
            throw Native.rethrow(t);
        }
    }

    /** Reads the expiry count back to 0 (the fd is then no longer readable); nothing if none. */
    void drain() {
        // SAFETY: expirations is a live 8-byte segment owned by this object; read(2) writes at
        // most the 8 bytes asked for. -EAGAIN (nothing expired) is fine.
        Libc.read(callState, fd, expirations.address(), Long.BYTES);
    }

    /** Closes the fd; later calls do nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Libc.close(fd);
        } catch (ErrnoException e) {
            // Nothing to do: on Linux the fd is released whatever close reports.
        }
    }
}
