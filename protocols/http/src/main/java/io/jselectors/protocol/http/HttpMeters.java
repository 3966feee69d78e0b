package io.jselectors.protocol.http;

import io.jselectors.protocol.EventLoop;
import io.jselectors.protocol.LoopCounter;
import io.jselectors.protocol.LoopHistogram;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The listener's meters. Each series is registered on its first use, then counting a request is an
 * array lookup and a field store (the request counts are {@link LoopCounter}s: each handler counts
 * in its loop's cells, {@link #local()}, taken on the loop thread when the connection opens;
 * a Micrometer counter's CAS and composite loop were in the /hello profile), and recording a
 * duration is a bucket search and three stores in the loop's cell of a {@link LoopHistogram}
 * (a Micrometer timer was about 3 % of pipelined /hello's loop CPU): a listener that never sees a PATCH or a 5xx exports no zero-valued
 * series for them. Registering all 32 request counters and the timer's histogram up front made an
 * idle server with echo, chat, http and admin listeners export 433 series (50 KB per scrape)
 * instead of 270 (33 KB), and hold ~140 KB more heap. The names and tags are the same whether a
 * series exists yet or not.
 *
 * <ul>
 *   <li>{@value #REQUESTS} (counter): final responses, by {@code method} (the standard ones, else
 *       {@code OTHER}, so a client cannot grow the tag set) and {@code status} class ({@code 2xx} ...
 *       {@code 5xx}).
 *   <li>{@value #DURATION} (a {@link LoopHistogram}: in Prometheus a histogram in seconds,
 *       elsewhere a function timer): from a request's first byte to its
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
     * The duration histogram's smallest bucket bound: below it every request is "fast"; /hello
     * answered in the read that brought it takes a few microseconds.
     */
    private static final Duration SHORTEST_BUCKET = Duration.ofNanos(10_000);

    private final MeterRegistry registry;
    /**
     * Request counters by {@code method * STATUS_CLASSES + status class}, null until first used.
     * Worker loops share a listener's meters: two loops may register the same series at once, and
     * LoopCounter's registration hands both the same counter.
     */
    private final AtomicReferenceArray<LoopCounter> requests = new AtomicReferenceArray<>(METHODS.length * STATUS_CLASSES);
    private volatile LoopHistogram duration;
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
        /** This loop's cell of the duration histogram, taken at its first use. */
        private LoopHistogram.Cell durations;
        /** When each answered request began ({@link EventLoop#nanoTime()}), its response not yet queued. */
        private final long[] starts = new long[PENDING];
        private int pending;

        private Local() {}

        /** Counts a final response of {@code status} to {@code method}, {@code nanos} after the request began. */
        void answered(String method, int status, long nanos) {
            count(method, status);
            durations().record(nanos);
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
            LoopHistogram.Cell cell = durations();
            // Requests parsed from one read share their start (the loop's turn clock) and end here
            // together: equal durations in a row are one record, one bucket search per read of
            // pipelined requests instead of one per request.
            int i = 0;
            while (i < pending) {
                long start = starts[i];
                int same = 1;
                while (i + same < pending && starts[i + same] == start) {
                    same++;
                }
                cell.record(now - start, same);
                i += same;
            }
            pending = 0;
        }

        /** Whether answers wait for {@link #queued}. */
        boolean hasPending() {
            return pending != 0;
        }

        private LoopHistogram.Cell durations() {
            LoopHistogram.Cell cell = durations;
            if (cell == null) {
                cell = durations = histogram().cell();
            }
            return cell;
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

    /** The duration histogram, registered at its first use (any loop: the registration is shared). */
    private LoopHistogram histogram() {
        LoopHistogram h = duration;
        if (h == null) {
            h = LoopHistogram.builder(DURATION)
                    .description("Time from a request's first byte to its response")
                    .buckets(SHORTEST_BUCKET, HttpLimits.DEFAULT_HEADER_TIMEOUT)
                    .register(registry);
            duration = h;
        }
        return h;
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
