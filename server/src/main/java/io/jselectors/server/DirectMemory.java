package io.jselectors.server;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.OperatingSystemMXBean;
import io.netty.util.internal.OutOfDirectMemoryError;
import io.netty.util.internal.PlatformDependent;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The explicit cap on the direct memory the server's buffers may take, and what hitting it costs.
 *
 * <p>Every buffer comes from netty's allocator, which counts its direct memory against {@code
 * io.netty.maxDirectMemory} and throws {@link OutOfDirectMemoryError} past it. Unless the operator
 * sets that property or {@code -XX:MaxDirectMemorySize} (either wins, in that order), {@link
 * #configure()} sets it to {@value #SHARE_PERCENT} % of the memory the process is given: the
 * container's limit when there is one (the JDK reads cgroups), else the machine's memory. Left to
 * itself, netty would allow as much direct memory as the heap's maximum, so heap and buffers
 * together could ask for more than the container has, and the kernel's OOM killer ends the process
 * instead of one connection.
 *
 * <p>At the cap, the connection whose buffer could not be allocated is closed (reset) and the
 * others carry on. That is reported as one log line at most every {@value #REPORT_INTERVAL_SECONDS}
 * s with the count since the last one, never a stack trace per connection: a flood of large
 * requests must not also flood the log.
 */
final class DirectMemory {

    private static final Logger log = LoggerFactory.getLogger(DirectMemory.class);

    /**
     * Share of the process's memory its direct buffers may use unless configured: 25 %. The heap
     * takes most of the rest (the image runs with {@code -XX:MaxRAMPercentage}), and code, metaspace
     * and thread stacks need some too.
     */
    static final int SHARE_PERCENT = 25;

    /** Least cap this sets, 64 MiB: below it a few busy connections would already fail. */
    static final long MIN_CAP = 64L << 20;

    /** The netty property that caps its direct memory, in bytes. */
    static final String NETTY_PROPERTY = "io.netty.maxDirectMemory";

    /** At most one report of exhausted direct memory per this many seconds: 10. */
    static final long REPORT_INTERVAL_SECONDS = 10;

    private static final AtomicLong lastReport = new AtomicLong(System.nanoTime() - TimeUnit.SECONDS.toNanos(REPORT_INTERVAL_SECONDS));
    private static final AtomicLong unreported = new AtomicLong();

    private DirectMemory() {}

    /**
     * Sets netty's cap before netty reads it (call first thing in {@code main}, before any buffer
     * exists); returns a sentence saying what the cap is and where it comes from.
     */
    static String configure() {
        String set = System.getProperty(NETTY_PROPERTY);
        if (set != null) {
            try {
                return "direct memory cap " + mib(Long.parseLong(set.trim())) + " (-D" + NETTY_PROPERTY + ")";
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("-D" + NETTY_PROPERTY + " must be a number of bytes, not '" + set + "'");
            }
        }
        long jvmMax = explicitMaxDirectMemorySize();
        if (jvmMax > 0) {
            System.setProperty(NETTY_PROPERTY, Long.toString(jvmMax));
            return "direct memory cap " + mib(jvmMax) + " (-XX:MaxDirectMemorySize)";
        }
        long given = ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
        long cap = Math.max(MIN_CAP, given / 100 * SHARE_PERCENT);
        System.setProperty(NETTY_PROPERTY, Long.toString(cap));
        return "direct memory cap " + mib(cap) + " (" + SHARE_PERCENT + " % of the " + mib(given)
                + " this process is given; -XX:MaxDirectMemorySize changes it)";
    }

    /** {@code -XX:MaxDirectMemorySize} if set on the command line, else 0. */
    private static long explicitMaxDirectMemorySize() {
        try {
            var option = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption("MaxDirectMemorySize");
            return option.getOrigin() == com.sun.management.VMOption.Origin.DEFAULT ? 0 : Long.parseLong(option.getValue());
        } catch (RuntimeException notHotSpot) {
            return 0;
        }
    }

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
                mib(PlatformDependent.usedDirectMemory()), mib(PlatformDependent.maxDirectMemory()), connection,
                missed - 1, REPORT_INTERVAL_SECONDS);
        return true;
    }

    private static String mib(long bytes) {
        return bytes < 0 ? "?" : (bytes >> 20) + " MiB";
    }
}
