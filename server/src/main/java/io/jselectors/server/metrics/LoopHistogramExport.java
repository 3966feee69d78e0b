package io.jselectors.server.metrics;

import io.jselectors.protocol.LoopHistogram;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.config.MeterFilterReply;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.config.NamingConvention;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.Exemplars;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Exports the {@link LoopHistogram}s that reach the server's Prometheus registry as Prometheus
 * histograms, named and labelled as Micrometer names a timer with a percentile histogram
 * ({@code NAME_seconds_bucket{..., le=...}}, {@code _count}, {@code _sum}), and hides the function
 * timer that stands in for each of them elsewhere (it would export the same family name as a
 * summary).
 *
 * <p>Cost: nothing on the loops; a scrape adds every loop's cells up (one pass over about 90 longs
 * per loop and histogram) and allocates the snapshot.
 */
final class LoopHistogramExport implements MultiCollector {

    /** The unit Micrometer gives timers in Prometheus, and the name suffix that goes with it. */
    private static final String SECONDS = "seconds";

    private final PrometheusMeterRegistry registry;

    private LoopHistogramExport(PrometheusMeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Installs the export in {@code registry}: a filter hiding the loop histograms' function timers
     * (install it before any meter is registered) and a collector that scrapes the histograms.
     */
    static void install(PrometheusMeterRegistry registry) {
        registry.config().meterFilter(new MeterFilter() {
            @Override
            public MeterFilterReply accept(Meter.Id id) {
                return id.getType() == Meter.Type.TIMER && LoopHistogram.isLoopHistogram(id.getName())
                        ? MeterFilterReply.DENY : MeterFilterReply.NEUTRAL;
            }
        });
        registry.getPrometheusRegistry().register(new LoopHistogramExport(registry));
    }

    @Override
    public MetricSnapshots collect() {
        NamingConvention convention = registry.config().namingConvention();
        Map<String, List<HistogramDataPointSnapshot>> points = new LinkedHashMap<>();
        Map<String, String> help = new LinkedHashMap<>();
        for (LoopHistogram h : LoopHistogram.reaching(registry)) {
            Meter.Id id = h.id();
            String name = convention.name(id.getName(), Meter.Type.TIMER, SECONDS);
            help.putIfAbsent(name, id.getDescription() != null ? id.getDescription() : "");
            LoopHistogram.Snapshot s = h.snapshot();
            double[] bounds = h.boundsSeconds();
            double[] upper = Arrays.copyOf(bounds, bounds.length + 1);
            upper[bounds.length] = Double.POSITIVE_INFINITY;
            points.computeIfAbsent(name, n -> new ArrayList<>()).add(new HistogramDataPointSnapshot(
                    ClassicHistogramBuckets.of(upper, s.counts()), s.sumNanos() / 1e9, labels(id, convention),
                    Exemplars.EMPTY, 0L));
        }
        List<MetricSnapshot> families = new ArrayList<>();
        points.forEach((name, list) -> families.add(new HistogramSnapshot(new MetricMetadata(name, help.get(name)), list)));
        return new MetricSnapshots(families);
    }

    private static Labels labels(Meter.Id id, NamingConvention convention) {
        List<String> keys = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Tag t : id.getTagsAsIterable()) {
            keys.add(convention.tagKey(t.getKey()));
            values.add(convention.tagValue(t.getValue()));
        }
        return Labels.of(keys, values);
    }
}
