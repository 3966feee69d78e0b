package io.jselectors.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.Map;

/**
 * Brings the standard binders' few outliers in line with Prometheus conventions, so that {@code
 * promtool check metrics} finds nothing to lint in our exposition:
 *
 * <ul>
 *   <li>netty's allocator meters get help text and, where they measure memory, base unit bytes;
 *   <li>{@code system.cpu.count} becomes {@code system.cpus} (a {@code _count} suffix belongs to
 *       histograms and summaries);
 *   <li>{@code process.cpu.time}, a counter in nanoseconds ({@code process_cpu_time_ns_total}), is
 *       replaced by Prometheus's usual {@code process_cpu_seconds_total}.
 * </ul>
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

    /** Installs the filter (before any meter is registered) and the CPU-seconds counter. */
    static void apply(MeterRegistry registry) {
        registry.config().meterFilter(new PrometheusConventions());
        registry.config().meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"));
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean hotspot && hotspot.getProcessCpuTime() >= 0) {
            FunctionCounter.builder("process.cpu", hotspot, b -> b.getProcessCpuTime() / 1e9)
                    .baseUnit("seconds").description("CPU time used by the JVM process")
                    .register(registry);
        }
    }

    @Override
    public Meter.Id map(Meter.Id id) {
        String name = id.getName();
        if (name.equals("system.cpu.count")) {
            return id.withName("system.cpus");
        }
        String help = NETTY_HELP.get(name);
        if (help == null) {
            return id;
        }
        String unit = id.getBaseUnit();
        if (unit == null && (name.startsWith("netty.allocator.memory.") || name.endsWith(".chunk.size"))) {
            unit = "bytes";
        }
        String description = id.getDescription() != null ? id.getDescription() : help;
        return new Meter.Id(name, io.micrometer.core.instrument.Tags.of(id.getTagsAsIterable()), unit, description,
                id.getType());
    }
}
