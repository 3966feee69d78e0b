package io.jselectors.server.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.Map;

/**
 * Brings netty's allocator meters in line with Prometheus conventions, so that {@code promtool
 * check metrics} finds nothing to lint in our exposition: Micrometer's binder registers them
 * without help text, and without base unit bytes where they measure memory. (The CPU meters, the
 * other outliers among the standard binders, come from {@link CpuMetrics}.)
 */
final class PrometheusConventions implements MeterFilter {

    /** Help text for the allocator meters, which micrometer's binder registers without. */
    private static final Map<String, String> NETTY_HELP = Map.of(
            "netty.allocator.memory.used", "Memory held by netty's pooled allocator",
            "netty.allocator.memory.pinned", "Memory of netty's pooled allocator in use by live buffers",
            "netty.allocator.pooled.arenas", "Arenas of netty's pooled allocator",
            "netty.allocator.pooled.cache.size", "Cache sizes of netty's pooled allocator",
            "netty.allocator.pooled.chunk.size", "Chunk size of netty's pooled allocator",
            "netty.allocator.pooled.threadlocal.caches", "Thread-local caches of netty's pooled allocator");

    private PrometheusConventions() {}

    /** Installs the filter; call it before any meter is registered. */
    static void apply(MeterRegistry registry) {
        registry.config().meterFilter(new PrometheusConventions());
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        String name = id.getName();
        String help = NETTY_HELP.get(name);
        if (help == null) {
            return id;
        }
        String unit = id.getBaseUnit();
        if (unit == null && (name.startsWith("netty.allocator.memory.") || name.endsWith(".chunk.size"))) {
            unit = "bytes";
        }
        String description = id.getDescription() != null ? id.getDescription() : help;
        return new Meter.Id(name, Tags.of(id.getTagsAsIterable()), unit, description, id.getType());
    }
}
