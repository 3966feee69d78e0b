package io.jselectors.server;

import io.jselectors.protocol.LoopCounter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The meters of one listener, tagged with protocol, listener address, transport and selector
 * backend. Connection counts are updated from every worker loop, so they are Micrometer's
 * thread-safe counters; the byte counts, taken per read and write, are {@link LoopCounter}s.
 */
final class ListenerMeters {

    final AtomicInteger active = new AtomicInteger();
    private final Counter accepted;
    private final Counter acceptErrors;
    private final Map<CloseCause, Counter> closed = new EnumMap<>(CloseCause.class);
    // Bytes are counted per read/write on the hot path: each loop counts in a cell of its own (a
    // field store; a LongAdder's CAS cost more than the rest of an echo's bookkeeping), and the
    // counters add the cells up at scrape time.
    private final LoopCounter read;
    private final LoopCounter written;

    /**
     * Registers the listener's meters. The byte counters are named {@code jselectors.read} and
     * {@code jselectors.written} with base unit bytes, which Prometheus shows as {@code
     * jselectors_read_bytes_total}: the unit once, where the conventions put it.
     */
    ListenerMeters(MeterRegistry registry, Tags tags) {
        Gauge.builder("jselectors.connections.active", active, AtomicInteger::get)
                .description("Connections open now").tags(tags).register(registry);
        accepted = Counter.builder("jselectors.connections.accepted")
                .description("Connections accepted").tags(tags).register(registry);
        acceptErrors = Counter.builder("jselectors.accept.errors")
                .description("accept() failures (EMFILE, ENFILE, ...)").tags(tags).register(registry);
        for (CloseCause cause : CloseCause.values()) {
            closed.put(cause, Counter.builder("jselectors.connections.closed")
                    .description("Connections closed, by cause").tags(tags).tag("cause", cause.tag())
                    .register(registry));
        }
        read = LoopCounter.builder("jselectors.read")
                .description("Bytes read from connections").baseUnit("bytes").tags(tags).register(registry);
        written = LoopCounter.builder("jselectors.written")
                .description("Bytes written to connections").baseUnit("bytes").tags(tags).register(registry);
    }

    void opened() {
        accepted.increment();
        active.incrementAndGet();
    }

    void closed(CloseCause cause) {
        if (cause != CloseCause.LIMIT) {
            active.decrementAndGet();
        }
        closed.get(cause).increment();
    }

    void acceptError() {
        acceptErrors.increment();
    }

    /** The calling loop's byte counts; take it on the loop thread, and count in it only there. */
    LoopCounter.Cell readCell() {
        return read.cell();
    }

    /** {@link #readCell()} for bytes written. */
    LoopCounter.Cell writtenCell() {
        return written.cell();
    }
}
