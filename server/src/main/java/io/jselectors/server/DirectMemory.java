package io.jselectors.server;

import io.netty.util.internal.OutOfDirectMemoryError;
import io.netty.util.internal.PlatformDependent;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What hitting the direct memory cap costs (the cap itself is {@link MemorySizing}'s).
 *
 * <p>Every buffer comes from netty's allocator, which counts its direct memory against {@code
 * io.netty.maxDirectMemory} and throws {@link OutOfDirectMemoryError} past it. Without an explicit
 * cap netty would allow as much direct memory as the heap's maximum, so heap and buffers together
 * could ask for more than a container has, and the kernel's OOM killer would end the process
 * instead of one connection.
 *
 * <p>At the cap, the connection whose buffer could not be allocated is closed (reset) and the
 * others carry on. That is reported as one log line at most every {@value #REPORT_INTERVAL_SECONDS}
 * s with the count since the last one, never a stack trace per connection: a flood of large
 * requests must not also flood the log.
 */
final class DirectMemory {

    private static final Logger log = LoggerFactory.getLogger(DirectMemory.class);

    /** The netty property that caps its direct memory, in bytes. */
    static final String NETTY_PROPERTY = "io.netty.maxDirectMemory";

    /** At most one report of exhausted direct memory per this many seconds: 10. */
    static final long REPORT_INTERVAL_SECONDS = 10;

    private static final AtomicLong lastReport = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(REPORT_INTERVAL_SECONDS));
    private static final AtomicLong unreported = new AtomicLong();

    private DirectMemory() {}

    /** Whether {@code error} says the direct memory cap was reached (netty's or the JDK's). */
    static boolean isExhausted(Throwable error) {
        return error instanceof OutOfDirectMemoryError
                || (error instanceof OutOfMemoryError && String.valueOf(error.getMessage()).contains("direct buffer memory"));
    }

    /**
     * Reports that a connection needed a buffer beyond the cap: one line at most every {@value
     * #REPORT_INTERVAL_SECONDS} s, with the count since the last line. Callable from any thread.
     *
     * @return whether this call logged
     */
    static boolean reportExhausted(Object connection) {
        long missed = unreported.incrementAndGet();
        long now = System.nanoTime();
        long last = lastReport.get();
        if (now - last < TimeUnit.SECONDS.toNanos(REPORT_INTERVAL_SECONDS) || !lastReport.compareAndSet(last, now)) {
            return false;
        }
        unreported.addAndGet(-missed);
        log.warn("direct memory cap reached ({} of {} in use): closed {} and {} other connection(s) that needed "
                        + "a buffer since the last report (at most one such line per {} s)",
                MemorySizing.mib(PlatformDependent.usedDirectMemory()), MemorySizing.mib(PlatformDependent.maxDirectMemory()), connection,
                missed - 1, REPORT_INTERVAL_SECONDS);
        return true;
    }
}
