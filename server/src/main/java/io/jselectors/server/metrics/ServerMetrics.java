package io.jselectors.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.netty4.NettyAllocatorMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * The server's meter registry, in Prometheus form: every meter the server, its loops and its
 * protocols register, plus the JVM and process.
 *
 * <p>Naming: our meters are {@code jselectors.*} with base units ({@code bytes}, {@code seconds});
 * Micrometer's Prometheus naming convention turns {@code jselectors.read} (base unit bytes)
 * into {@code jselectors_read_bytes_total} (so a name never carries its unit twice), counters end
 * in {@code _total}, timers are in
 * seconds. The standard binders keep their own names ({@code jvm_*}, {@code process_*}, {@code
 * system_*}, {@code netty_allocator_*}), except where {@link PrometheusConventions} mends them.
 *
 * {@snippet :
 * ServerMetrics metrics = ServerMetrics.create();
 * Server server = Server.start(settings, metrics.registry());
 * ...
 * Exposition e = metrics.scrape(request.header("Accept")); // on the admin loop
 * }
 */
public final class ServerMetrics implements AutoCloseable {

    // The two content types are the Prometheus client's own (its writers' CONTENT_TYPE; a test
    // checks they agree): the registry picks its writer by them.

    /** Prometheus text format 0.0.4, what Prometheus gets unless it asks for OpenMetrics. */
    public static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** OpenMetrics 1.0 text, sent when the {@code Accept} header names it. */
    public static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final JvmGcMetrics gc;
    /** The previous scrape's size, to size the next one's buffer; racy reads are harmless. */
    private volatile int lastSize = 32 * 1024;

    private ServerMetrics(PrometheusMeterRegistry registry) {
        this.registry = registry;
        PrometheusConventions.apply(registry);
        LoopHistogramExport.install(registry); // the protocols' loop histograms, as Prometheus histograms
        new JvmMemoryMetrics().bindTo(registry);
        gc = new JvmGcMetrics();
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new CpuMetrics().bindTo(registry); // ProcessorMetrics' meters, cheap to scrape: see CpuMetrics
        new FileDescriptorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        // The server's buffers all come from this allocator (Server uses PooledByteBufAllocator.DEFAULT):
        // used direct/heap memory, pinned memory, arenas, thread-local caches, chunk size.
        new NettyAllocatorMetrics(PooledByteBufAllocator.DEFAULT).bindTo(registry);
    }

    /** A Prometheus registry with the JVM, process and allocator binders bound. */
    public static ServerMetrics create() {
        return new ServerMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    }

    /** The registry to give the server (and through it, every protocol). */
    public MeterRegistry registry() {
        return registry;
    }

    /** The same registry, typed, for callers that scrape it themselves. */
    public PrometheusMeterRegistry prometheusRegistry() {
        return registry;
    }

    /**
     * Registers the meters of one event loop; see {@link LoopMeters}.
     *
     * @param loop the loop's name, unique in this registry
     * @param pendingTasks the loop's task queue size, thread-safe
     */
    public LoopMeters loop(String loop, IntSupplier pendingTasks) {
        return LoopMeters.register(registry, loop, pendingTasks);
    }

    /**
     * The content type answering a request with this {@code Accept} header: OpenMetrics when the
     * header names {@code application/openmetrics-text}, else the Prometheus text format 0.0.4
     * (also for a missing header, {@code *}{@code /*}, or a protobuf-only request: the text format
     * is what every Prometheus version reads).
     */
    public static String negotiate(String accept) {
        if (accept != null && accept.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")) {
            return OPENMETRICS_TEXT;
        }
        return PROMETHEUS_TEXT;
    }

    /**
     * Renders every meter in the format {@code accept} asks for (see {@link #negotiate}). Call it
     * on the admin loop, never a worker loop: it walks every meter and allocates (well under a
     * millisecond for the server's few hundred series).
     */
    public Exposition scrape(String accept) {
        String contentType = negotiate(accept);
        ByteArrayOutputStream out = new ByteArrayOutputStream(lastSize + 1024);
        try {
            registry.scrape(out, contentType);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not throw
        }
        lastSize = out.size();
        return new Exposition(contentType, out.toByteArray());
    }

    /** Unbinds the GC listener and closes the registry. */
    @Override
    public void close() {
        gc.close();
        registry.close();
    }

    /**
     * One rendered scrape.
     *
     * @param contentType the {@code Content-Type} to send it with
     * @param body the text, UTF-8
     */
    public record Exposition(String contentType, byte[] body) {}
}
