package io.jselectors.selector;

import java.time.Duration;

/**
 * The one timeout rule every backend follows, Python's: {@code null} (or {@link Selector#INFINITE})
 * blocks, zero or negative polls, and a positive timeout is rounded <em>up</em> to the kernel's
 * unit, so a short wait is never turned into a zero-timeout busy poll (CPython's {@code
 * math.ceil(timeout * 1e3)}, mio's "round up, never down to zero").
 *
 * <p>Each conversion also clamps to what the kernel call can take; a longer wait returns 0 after
 * the clamp and the caller selects again, as after any timeout.
 *
 * <p>Cost: a few integer operations and no allocation, called once per {@code select}.
 */
public final class Timeouts {

    private Timeouts() {}

    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_MICRO = 1_000L;

    /**
     * A {@link Duration} as the nanoseconds {@link Selector#selectNanos} takes: {@code null} is
     * {@link Selector#INFINITE}, zero or negative is 0, and a timeout too long for a {@code long}
     * of nanoseconds (about 292 years) saturates to {@link Selector#INFINITE}.
     */
    public static long toNanos(Duration timeout) {
        if (timeout == null) {
            return Selector.INFINITE;
        }
        if (timeout.isNegative() || timeout.isZero()) {
            return 0;
        }
        try {
            return timeout.toNanos();
        } catch (ArithmeticException e) {
            return Selector.INFINITE;
        }
    }

    /**
     * The {@code int} milliseconds of poll(2) and epoll_wait(2): {@link Selector#INFINITE} is
     * {@code -1} (block), zero or negative is 0 (never the kernel's "negative blocks"), anything
     * else rounded up (1 ns waits 1 ms) and clamped to {@link Integer#MAX_VALUE} (24.8 days).
     */
    public static int toMillis(long timeoutNanos) {
        if (timeoutNanos == Selector.INFINITE) {
            return -1;
        }
        if (timeoutNanos <= 0) {
            return 0;
        }
        return (int) Math.min(Math.ceilDiv(timeoutNanos, NANOS_PER_MILLI), Integer.MAX_VALUE);
    }

    /**
     * Whole microseconds for select(2)'s {@code struct timeval}, rounded up; zero or negative is 0.
     * The caller handles {@link Selector#INFINITE} (a NULL timeval) and its own clamp.
     */
    public static long toMicros(long timeoutNanos) {
        return timeoutNanos <= 0 ? 0 : Math.ceilDiv(timeoutNanos, NANOS_PER_MICRO);
    }
}
