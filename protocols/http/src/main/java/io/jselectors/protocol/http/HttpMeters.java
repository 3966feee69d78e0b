package io.jselectors.protocol.http;

import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.LoopCounter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.pause.NoPauseDetector;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The listener's meters. Each series is registered on its first use, then counting a request is an
 * array lookup and a field store (the request counts are {@link LoopCounter}s: each handler counts
 * in its loop's cells, {@link #local()}, taken on the loop thread when the connection opens;
 * a Micrometer counter's CAS and composite loop were in the /hello profile): a listener that never sees a PATCH or a 5xx exports no zero-valued
 * series for them. Registering all 32 request counters and the timer's histogram up front made an
 * idle server with echo, chat, http and admin listeners export 433 series (50 KB per scrape)
 * instead of 270 (33 KB), and hold ~140 KB more heap. The names and tags are the same whether a
 * series exists yet or not.
 *
 * <ul>
 *   <li>{@value #REQUESTS} (counter): final responses, by {@code method} (the standard ones, else
 *       {@code OTHER}, so a client cannot grow the tag set) and {@code status} class ({@code 2xx} ...
 *       {@code 5xx}).
 *   <li>{@value #DURATION} (timer, seconds, with a histogram): from a request's first byte to its
 *       response being queued (for a file, its header section).
 *   <li>{@value #REJECTED} (counter): requests refused before reaching a route, by {@code reason}:
 *       the status ({@code 400}, {@code 413}, {@code 414}, {@code 431}, ...) or {@code timeout}.
 * </ul>
 */
final class HttpMeters {

    static final String REQUESTS = "jselectors.http.requests";
    static final String DURATION = "jselectors.http.request.duration";
    static final String REJECTED = "jselectors.http.rejected";

    /** The reason tag of a header timeout (slowloris). */
    static final String TIMEOUT = "timeout";

    private static final String[] METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "OTHER"};

    private static final int STATUS_CLASSES = 4;

    /**
     * The duration timer runs without Micrometer's default pause detector. That detector read the
     * monotonic clock and fed an interval estimator on every observation (a vDSO clock read per
     * request: kvm-clock's is as dear as parsing /hello, bench/PROFILE.md), and after a detected
     * JVM pause it recorded made-up observations, so the series counted requests that never
     * happened. Without it every observation is one answered request, as documented above.
     */
    private static final NoPauseDetector NO_PAUSE_DETECTOR = new NoPauseDetector();

    private final MeterRegistry registry;
    /**
     * Request counters by {@code method * STATUS_CLASSES + status class}, null until first used.
     * Worker loops share a listener's meters: two loops may register the same series at once, and
     * LoopCounter's registration hands both the same counter.
     */
    private final AtomicReferenceArray<LoopCounter> requests = new AtomicReferenceArray<>(METHODS.length * STATUS_CLASSES);
    private volatile Timer duration;
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    /** One {@link Local} per loop thread, shared by that loop's connections. */
    private final ThreadLocal<Local> locals = ThreadLocal.withInitial(Local::new);

    HttpMeters(MeterRegistry registry) {
        this.registry = registry;
        // The usual refusals stay registered at zero (five series): the dashboard plots them, and a
        // first slowloris should show as a step from 0, not as a series appearing.
        for (String reason : new String[] {"400", "413", "414", "431", TIMEOUT}) {
            rejectedCounter(reason);
        }
    }

    /** The calling loop's cells of the request counts; take it on the loop thread, count in it only there. */
    Local local() {
        return locals.get();
    }

    /**
     * One loop's view of the meters: its cells of the request counts, filled at first use, and the
     * durations of answers not yet queued (a handler collects the answers to one read in one buffer
     * and queues it once: one clock reading then serves every answer in it, where pipelined
     * /hello read the clock once per request, a vDSO read as dear as parsing it, bench/PROFILE.md).
     */
    final class Local {
        /**
         * Answers whose end is read together at most; a read of 16 pipelined /hello needs 16, and
         * a handler with more reads the clock early once the array is full.
         */
        private static final int PENDING = 64;

        private final LoopCounter.Cell[] cells = new LoopCounter.Cell[METHODS.length * STATUS_CLASSES];
        /** When each answered request began ({@link EventLoop#nanoTime()}), its response not yet queued. */
        private final long[] starts = new long[PENDING];
        private int pending;

        private Local() {}

        /** Counts a final response of {@code status} to {@code method}, {@code nanos} after the request began. */
        void answered(String method, int status, long nanos) {
            count(method, status);
            timer().record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }

        /**
         * Counts a final response of {@code status} to {@code method}, begun at {@code start}, whose
         * bytes wait in the handler's output; its duration ends at the next {@link #queued}, which
         * the handler calls when it queues that output, before its callback returns.
         */
        void answered(String method, int status, long start, EventLoop loop) {
            count(method, status);
            if (pending == PENDING) {
                queued(loop.nanoTime());
            }
            starts[pending++] = start;
        }

        /** The answers counted with a start are queued at {@code now}: records their durations. */
        void queued(long now) {
            if (pending == 0) {
                return;
            }
            Timer timer = timer();
            for (int i = 0; i < pending; i++) {
                timer.record(Math.max(0, now - starts[i]), TimeUnit.NANOSECONDS);
            }
            pending = 0;
        }

        /** Whether answers wait for {@link #queued}. */
        boolean hasPending() {
            return pending != 0;
        }

        private void count(String method, int status) {
            int statusClass = Math.clamp(status / 100 - 2, 0, STATUS_CLASSES - 1);
            int index = methodIndex(method) * STATUS_CLASSES + statusClass;
            LoopCounter.Cell cell = cells[index];
            if (cell == null) {
                cell = cells[index] = requestCounter(index, statusClass).cell();
            }
            cell.increment();
        }
    }

    /** The duration timer, registered at its first use (any loop: the registration is shared). */
    private Timer timer() {
        Timer timer = duration;
        if (timer == null) {
            timer = Timer.builder(DURATION)
                    .description("Time from a request's first byte to its response")
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(10_000))
                    .maximumExpectedValue(HttpLimits.DEFAULT_HEADER_TIMEOUT)
                    .pauseDetector(NO_PAUSE_DETECTOR)
                    .register(registry);
            duration = timer;
        }
        return timer;
    }

    /** The request counter of {@code index}, registered at its first use (by any loop: the registration is shared). */
    private LoopCounter requestCounter(int index, int statusClass) {
        LoopCounter counter = requests.get(index);
        if (counter == null) {
            counter = LoopCounter.builder(REQUESTS)
                    .description("HTTP requests answered, by method and status class")
                    .tag("method", METHODS[index / STATUS_CLASSES])
                    .tag("status", (statusClass + 2) + "xx")
                    .register(registry);
            requests.set(index, counter);
        }
        return counter;
    }

    /** Counts a request refused for {@code reason}. */
    void rejected(String reason) {
        rejectedCounter(reason).increment();
    }

    private Counter rejectedCounter(String reason) {
        return rejected.computeIfAbsent(reason, r -> Counter.builder(REJECTED)
                .description("HTTP requests refused before routing, by reason")
                .tag("reason", r)
                .register(registry));
    }

    private static int methodIndex(String method) {
        for (int i = 0; i < METHODS.length - 1; i++) {
            if (METHODS[i].equals(method)) {
                return i;
            }
        }
        return METHODS.length - 1;
    }
}
