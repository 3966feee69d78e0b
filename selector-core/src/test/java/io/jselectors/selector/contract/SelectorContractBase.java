package io.jselectors.selector.contract;

import io.jselectors.selector.Ready;
import io.jselectors.selector.Selector;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Timeout;

/**
 * The extension points and test plumbing of the contract suite; the tests are in the subclasses,
 * ending in {@link SelectorContractTest}, which is what a backend extends.
 *
 * <p>Every test runs under a 60 s limit on a separate thread, because several tests call {@code
 * select} with no timeout (as CPython's do) and a backend that misses readiness would otherwise hang
 * the build instead of failing it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
public abstract class SelectorContractBase {

    /** The select timeout a test uses where "long enough for loopback I/O to be ready" is meant. */
    protected static final Duration READY_WAIT = Duration.ofSeconds(5);

    private final Deque<AutoCloseable> cleanups = new ArrayDeque<>();

    // ---------------------------------------------------------------- extension points

    /** Opens the selector under test, e.g. {@code Selector.open("epoll")}. */
    protected abstract Selector openSelector() throws IOException;

    /**
     * A connected, bidirectional, non-blocking pair of file objects this backend accepts. Default: a
     * posix AF_UNIX socketpair as {@link io.jselectors.posix.Fd} objects; nio overrides.
     */
    protected Endpoints.Pair newPair() throws IOException {
        return Endpoints.posixSocketPair();
    }

    /** Whether register() takes raw {@link Integer} fds (all native backends: true; nio: false). */
    protected boolean acceptsIntFds() {
        return true;
    }

    /** Whether fds above FD_SETSIZE (1024) work (false for select). */
    protected boolean scalable() {
        return true;
    }

    // ---------------------------------------------------------------- plumbing

    /** Opens a selector that is closed after the test (last opened, first closed). */
    protected final Selector selector() throws IOException {
        Selector s = openSelector();
        cleanups.push(s);
        return s;
    }

    /** A new pair that is closed after the test. */
    protected final Endpoints.Pair pair() throws IOException {
        Endpoints.Pair p = newPair();
        cleanups.push(p);
        return p;
    }

    /** Runs {@code cleanup} after the test, before what was registered earlier. */
    protected final void afterTest(AutoCloseable cleanup) {
        cleanups.push(cleanup);
    }

    @AfterEach
    final void runCleanups() throws Exception {
        Exception first = null;
        while (!cleanups.isEmpty()) {
            try {
                cleanups.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Skips the test, with the reason printed, unless this backend takes raw int fds. */
    protected final void assumeIntFds(String why) {
        Assumptions.assumeTrue(acceptsIntFds(), "backend takes no raw int fds; " + why);
    }

    /** A file object of the backend's kind that is certainly not registered. */
    protected final Object unregisteredFileobj() throws IOException {
        return acceptsIntFds() ? Integer.valueOf(999_999) : pair().a();
    }

    /** Fills side A's send buffer until nothing more fits, so A is no longer writable. */
    protected static void fillA(Endpoints.Pair p) throws IOException {
        byte[] chunk = new byte[64 * 1024];
        long total = 0;
        // Bounded: socket buffers are at most a few MiB; 256 MiB means "never fills", a bug.
        while (p.writeA(chunk) > 0) {
            total += chunk.length;
            if (total > 256L << 20) {
                throw new AssertionError("side A never became full");
            }
        }
    }

    /** Milliseconds since {@code startNanos}. */
    protected static long millisSince(long startNanos) {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /** The file objects of the entries ready for any of {@code events}: CPython's find_ready_matching. */
    protected static List<Object> readyMatching(List<Ready> ready, int events) {
        return ready.stream().filter(r -> (r.events() & events) != 0).map(r -> r.key().fileobj()).toList();
    }
}
