package io.jselectors.protocol;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A duration histogram for event-loop threads that costs a bucket search and three plain stores per
 * observation: each thread records in a {@link Cell} of its own (fixed bucket counts, a sum), and
 * the cells are added up only when the registry is scraped. The {@link LoopCounter} of durations.
 *
 * <p><b>Why.</b> A Micrometer {@code Timer} is thread-safe: an observation is two {@code LongAdder}
 * adds, a compare-and-set loop on a time-window maximum that reads the wall clock, an atomic bucket
 * increment, all behind a composite registry's loop over its children. Once per HTTP request that
 * was about 3 % of pipelined {@code /hello}'s loop CPU (bench/PROFILE.md).
 *
 * <p><b>Buckets.</b> The same {@code le} bounds Micrometer gives a timer with
 * {@code publishPercentileHistogram()} between the builder's minimum and maximum, so a dashboard's
 * {@code histogram_quantile} reads the same series as before. A value equal to a bound counts in
 * that bound's bucket ({@code le}: less or equal); one above the last bound only in {@code +Inf}.
 *
 * <p><b>Where it shows.</b> In every registry, a {@link FunctionTimer} (count and total time).
 * Where the registry is the server's Prometheus registry, the server hides that function timer
 * and exports the whole histogram instead ({@code _bucket}, {@code _count}, {@code _sum}): it finds
 * the histograms that reach its registry with {@link #reaching(MeterRegistry)}. There is no
 * {@code _max} series (a window maximum is what made Micrometer's timer dear).
 *
 * <p><b>Contract.</b> As {@link LoopCounter}'s: a cell is written only by the thread that took it
 * with {@link #cell()}; a scrape may miss the last few observations, never loses one, and no
 * bucket, count or sum ever goes down, also after the thread that wrote a cell ended.
 *
 * {@snippet :
 * LoopHistogram duration = LoopHistogram.builder("jselectors.http.request.duration")
 *         .buckets(Duration.ofNanos(10_000), Duration.ofSeconds(10)).register(registry);
 * LoopHistogram.Cell cell = duration.cell();  // once per loop, on the loop thread
 * cell.record(nanos);                        // per request: a search and three stores
 * cell.record(nanos, 16);                    // 16 equal durations: the same search and stores
 * }
 */
public final class LoopHistogram {

    /** Histograms registered so far, by the registry given to {@link Builder#register} (weakly) and meter id. */
    private static final Map<MeterRegistry, Map<Meter.Id, LoopHistogram>> REGISTERED = new WeakHashMap<>();

    /** Names registered as loop histograms anywhere: a registry that exports the histograms hides these function timers. */
    private static final Set<String> NAMES = ConcurrentHashMap.newKeySet();

    private final Meter.Id id;
    /** Bucket upper bounds in nanoseconds, ascending; the overflow ({@code +Inf}) bucket has none. */
    private final double[] boundsNanos;
    private final List<Cell> cells = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Cell> mine = ThreadLocal.withInitial(this::newCell);
    /** What the function timer reads; it holds it weakly, so this keeps it alive. */
    private final Holder holder;

    private LoopHistogram(Meter.Id id, double[] boundsNanos, Holder holder) {
        this.id = id;
        this.boundsNanos = boundsNanos;
        this.holder = holder;
        holder.histogram = this;
    }

    /** Starts a histogram named {@code name} (Micrometer's dotted form); its values are durations. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The calling thread's cell, created at its first call; cheap enough per connection, not per observation. */
    public Cell cell() {
        return mine.get();
    }

    /**
     * The meter id as registered: the builder's name, description and tags plus the common tags of
     * the registry it was registered in (a listener's {@code protocol} and {@code listener}).
     */
    public Meter.Id id() {
        return id;
    }

    /** The bucket upper bounds in seconds, ascending, without {@code +Inf}. */
    public double[] boundsSeconds() {
        double[] seconds = new double[boundsNanos.length];
        for (int i = 0; i < seconds.length; i++) {
            seconds[i] = boundsNanos[i] / TimeUnit.SECONDS.toNanos(1);
        }
        return seconds;
    }

    /** Every thread's cells added up now; any thread. */
    public Snapshot snapshot() {
        long[] counts = new long[boundsNanos.length + 1];
        long sum = 0;
        for (Cell c : cells) {
            for (int i = 0; i < counts.length; i++) {
                counts[i] += (long) Cell.COUNTS.getOpaque(c.counts, i);
            }
            sum += (long) Cell.SUM.getOpaque(c);
        }
        return new Snapshot(counts, sum);
    }

    private long count() {
        return snapshot().count();
    }

    private double totalNanos() {
        return snapshot().sumNanos();
    }

    private Cell newCell() {
        Cell c = new Cell(boundsNanos);
        cells.add(c);
        return c;
    }

    /**
     * The histograms registered in {@code target}, or in a composite registry that forwards to it
     * (at any depth): what a registry that exports them whole shows. Any thread.
     */
    public static List<LoopHistogram> reaching(MeterRegistry target) {
        List<LoopHistogram> found = new ArrayList<>();
        synchronized (REGISTERED) {
            for (Map.Entry<MeterRegistry, Map<Meter.Id, LoopHistogram>> e : REGISTERED.entrySet()) {
                if (forwardsTo(e.getKey(), target)) {
                    found.addAll(e.getValue().values());
                }
            }
        }
        return found;
    }

    /** Whether {@code name} was registered as a loop histogram (its function timer is the stand-in for the histogram). */
    public static boolean isLoopHistogram(String name) {
        return NAMES.contains(name);
    }

    private static boolean forwardsTo(MeterRegistry registry, MeterRegistry target) {
        if (registry == target) {
            return true;
        }
        if (registry instanceof CompositeMeterRegistry composite) {
            for (MeterRegistry child : composite.getRegistries()) {
                if (forwardsTo(child, target)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * One histogram's counts at one moment.
     *
     * @param counts observations per bucket, not cumulative, in the order of {@link #boundsSeconds()},
     *     the overflow ({@code +Inf}) bucket last
     * @param sumNanos the observations' total, in nanoseconds
     */
    public record Snapshot(long[] counts, long sumNanos) {
        /** All observations. */
        public long count() {
            long n = 0;
            for (long c : counts) {
                n += c;
            }
            return n;
        }
    }

    /** One thread's share of a {@link LoopHistogram}; written only by that thread. */
    public static final class Cell {

        private static final VarHandle COUNTS = MethodHandles.arrayElementVarHandle(long[].class);
        private static final VarHandle SUM;

        static {
            try {
                SUM = MethodHandles.lookup().findVarHandle(Cell.class, "sum", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final double[] bounds;
        private final long[] counts;
        private long sum;

        private Cell(double[] bounds) {
            this.bounds = bounds;
            this.counts = new long[bounds.length + 1];
        }

        /** Records one duration of {@code nanos} (a negative one as 0); the owning thread only. */
        public void record(long nanos) {
            record(nanos, 1);
        }

        /**
         * Records {@code times} durations of {@code nanos} each (a negative one as 0), as that many
         * {@link #record(long)} calls would, with one bucket search: the answers to one read of
         * pipelined requests began and were queued at the same moments. The owning thread only.
         */
        public void record(long nanos, int times) {
            if (times <= 0) {
                throw new IllegalArgumentException("times must be positive: " + times);
            }
            long value = Math.max(0, nanos);
            int i = bucket(value);
            COUNTS.setOpaque(counts, i, counts[i] + times);
            SUM.setOpaque(this, sum + value * times);
        }

        /** The first bucket whose bound is at least {@code value}, or the overflow bucket. */
        private int bucket(long value) {
            double v = value;
            if (bounds.length > 0 && v <= bounds[0]) {
                return 0; // the usual case, answered in the read that brought it (HttpMeters: under 10 µs)
            }
            int lo = 0;
            int hi = bounds.length; // the overflow bucket
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (bounds[mid] < v) {
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            return lo;
        }
    }

    /** The meter's name, description, tags and buckets. */
    public static final class Builder {
        private final String name;
        private String description;
        private Tags tags = Tags.empty();
        private Duration minimum = Duration.ofMillis(1);
        private Duration maximum = Duration.ofSeconds(30);

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder description(String text) {
            description = text;
            return this;
        }

        public Builder tag(String key, String value) {
            tags = tags.and(key, value);
            return this;
        }

        /**
         * Micrometer's percentile-histogram buckets from {@code min} to {@code max}, as a timer
         * with {@code publishPercentileHistogram()}, {@code minimumExpectedValue(min)} and
         * {@code maximumExpectedValue(max)} has (default: 1 ms to 30 s).
         */
        public Builder buckets(Duration min, Duration max) {
            if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
                throw new IllegalArgumentException("buckets: want 0 < min <= max, got " + min + " and " + max);
            }
            minimum = min;
            maximum = max;
            return this;
        }

        /**
         * Registers the histogram in {@code registry} (there, a function timer; see the class
         * comment) and returns it; the same name and tags in the same registry give the same one.
         */
        public LoopHistogram register(MeterRegistry registry) {
            NAMES.add(name);
            Meter.Id key = new Meter.Id(name, tags, null, description, Meter.Type.TIMER);
            synchronized (REGISTERED) {
                Map<Meter.Id, LoopHistogram> mine = REGISTERED.computeIfAbsent(registry, r -> new HashMap<>());
                LoopHistogram histogram = mine.get(key);
                if (histogram == null) {
                    Holder holder = new Holder();
                    FunctionTimer timer = FunctionTimer.builder(name, holder, Holder::count, Holder::totalNanos,
                                    TimeUnit.NANOSECONDS)
                            .description(description).tags(tags).register(registry);
                    histogram = new LoopHistogram(timer.getId(), bounds(), holder);
                    mine.put(key, histogram);
                }
                return histogram;
            }
        }

        private double[] bounds() {
            DistributionStatisticConfig config = DistributionStatisticConfig.builder()
                    .percentilesHistogram(true)
                    .minimumExpectedValue((double) minimum.toNanos())
                    .maximumExpectedValue((double) maximum.toNanos())
                    .build()
                    .merge(DistributionStatisticConfig.DEFAULT);
            // true: the percentile-histogram buckets, which registries that add histograms up (Prometheus) get
            List<Double> bounds = new ArrayList<>(config.getHistogramBuckets(true));
            Collections.sort(bounds);
            return bounds.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    /**
     * What the function timer reads: the histogram, set once it exists (the timer is registered
     * first, so the histogram can carry the registered id). A scrape in between reads zero.
     */
    private static final class Holder {
        volatile LoopHistogram histogram;

        long count() {
            LoopHistogram h = histogram;
            return h == null ? 0 : h.count();
        }

        double totalNanos() {
            LoopHistogram h = histogram;
            return h == null ? 0 : h.totalNanos();
        }
    }
}
