package io.jselectors.protocol.http;

import io.jselectors.protocol.LoopCounter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The listener's meters, created once so that counting a request is an array lookup and a field
 * store: the request counts are {@link LoopCounter}s, and each handler counts in its loop's cells
 * ({@link #local()}, taken on the loop thread when the connection opens).
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

    private final MeterRegistry registry;
    private final LoopCounter[][] requests = new LoopCounter[METHODS.length][4];
    private final Timer duration;
    private final Map<String, Counter> rejected = new ConcurrentHashMap<>();
    /** One {@link Local} per loop thread, shared by that loop's connections. */
    private final ThreadLocal<Local> locals = ThreadLocal.withInitial(Local::new);

    HttpMeters(MeterRegistry registry) {
        this.registry = registry;
        for (int m = 0; m < METHODS.length; m++) {
            for (int s = 0; s < 4; s++) {
                requests[m][s] = LoopCounter.builder(REQUESTS)
                        .description("HTTP requests answered, by method and status class")
                        .tag("method", METHODS[m])
                        .tag("status", (s + 2) + "xx")
                        .register(registry);
            }
        }
        duration = Timer.builder(DURATION)
                .description("Time from a request's first byte to its response")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(10_000))
                .maximumExpectedValue(HttpLimits.DEFAULT_HEADER_TIMEOUT)
                .register(registry);
        for (String reason : new String[] {"400", "413", "414", "431", TIMEOUT}) {
            rejectedCounter(reason);
        }
    }

    /** The calling loop's cells of the request counts; take it on the loop thread, count in it only there. */
    Local local() {
        return locals.get();
    }

    /** One loop's view of the meters: its cells of the request counts, filled at first use. */
    final class Local {
        private final LoopCounter.Cell[][] cells = new LoopCounter.Cell[METHODS.length][4];

        private Local() {}

        /** Counts a final response of {@code status} to {@code method}, {@code nanos} after the request began. */
        void answered(String method, int status, long nanos) {
            int m = methodIndex(method);
            int statusClass = Math.clamp(status / 100 - 2, 0, 3);
            LoopCounter.Cell cell = cells[m][statusClass];
            if (cell == null) {
                cell = cells[m][statusClass] = requests[m][statusClass].cell();
            }
            cell.increment();
            duration.record(Math.max(0, nanos), TimeUnit.NANOSECONDS);
        }
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
