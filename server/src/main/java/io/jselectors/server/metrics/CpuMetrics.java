package io.jselectors.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.TimeUnit;
import java.util.function.DoubleSupplier;

/**
 * CPU meters with the names of Micrometer's {@code ProcessorMetrics} ({@code system_cpus} aside),
 * made cheap to scrape:
 *
 * <ul>
 *   <li>{@code process_cpu_seconds_total}: CPU time of the JVM, Prometheus's usual name; {@code
 *       rate()} of it is the exact usage between two scrapes;
 *   <li>{@code process_cpu_usage}, {@code system_cpu_usage}, {@code system_load_average_1m}: the
 *       JDK's recent averages, read at most once per {@link #REFRESH_NANOS} (1 s);
 *   <li>{@code system_cpus}: the processors the JVM may use ({@code ProcessorMetrics} names it
 *       {@code system_cpu_count}, which {@code promtool} flags: {@code _count} belongs to
 *       histograms).
 * </ul>
 *
 * <p>Why not {@code ProcessorMetrics} itself: in a container the JDK computes the two usage figures
 * from cgroup files, and with Micrometer's reflective calls they made up about 30 % of a scrape's
 * time and 165 KB of its 600 KB of garbage, on the core the worker loops need. Caching them for a
 * second changes nothing for Prometheus (which scrapes every few seconds) and caps that cost
 * whatever the scrape rate.
 *
 * <p>A gauge holds its state object weakly unless told otherwise, and nothing else refers to a
 * {@link Cached}: each usage gauge is therefore built with {@code strongReference(true)}, or it
 * would read NaN after the first garbage collection.
 */
final class CpuMetrics implements MeterBinder {

    /** The usage gauges are recomputed at most this often. */
    static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    @Override
    public void bindTo(MeterRegistry registry) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        Gauge.builder("system.cpus", Runtime.getRuntime(), Runtime::availableProcessors)
                .description("The number of processors available to the Java virtual machine").register(registry);
        Gauge.builder("system.load.average.1m", new Cached(os::getSystemLoadAverage), Cached::get)
                .strongReference(true)
                .description("The system load average over the last minute (runnable and running entities)")
                .register(registry);
        if (os instanceof com.sun.management.OperatingSystemMXBean hotspot) {
            if (hotspot.getProcessCpuTime() >= 0) {
                FunctionCounter.builder("process.cpu", hotspot, b -> b.getProcessCpuTime() / 1e9)
                        .baseUnit("seconds").description("CPU time used by the JVM process").register(registry);
            }
            Gauge.builder("process.cpu.usage", new Cached(hotspot::getProcessCpuLoad), Cached::get)
                    .strongReference(true)
                    .description("The recent CPU usage of the JVM process (0 to 1 of all its processors)")
                    .register(registry);
            Gauge.builder("system.cpu.usage", new Cached(hotspot::getCpuLoad), Cached::get)
                    .strongReference(true)
                    .description("The recent CPU usage of the whole system (0 to 1)").register(registry);
        }
    }

    /**
     * A value recomputed at most once per {@link #REFRESH_NANOS}. Concurrent scrapes may both
     * recompute; either result is a correct reading, so no lock.
     */
    private static final class Cached {
        private final DoubleSupplier source;
        private volatile double value = Double.NaN;
        private volatile long readAt;
        private volatile boolean read;

        Cached(DoubleSupplier source) {
            this.source = source;
        }

        double get() {
            long now = System.nanoTime();
            if (!read || now - readAt >= REFRESH_NANOS) {
                double v = source.getAsDouble();
                value = v < 0 ? Double.NaN : v; // the JDK says -1 when it cannot tell
                readAt = now;
                read = true;
            }
            return value;
        }
    }
}
