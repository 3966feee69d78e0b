package io.jselectors.server.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * The meters of one event loop, tag {@code loop}: select calls, ready events, time blocked in
 * select versus working, tasks run and tasks pending.
 *
 * <p><b>Cost on the loop.</b> The loop thread is the only writer. Each figure is a plain {@code
 * long} field the loop updates with an opaque store ({@link VarHandle#setOpaque}: on x86_64 and
 * aarch64 an ordinary store the JIT may not drop or defer indefinitely); Micrometer's {@link
 * FunctionCounter}s read the fields with opaque loads only when Prometheus scrapes. No atomics,
 * no locks, no allocation, no clock read: the loop owns its clock and passes the times it read
 * anyway (before select, at the wake-up), so a turn costs the meters a few stores. A scrape may see a turn half-recorded (selects counted,
 * its events not yet); counters stay monotonic, and a 64-bit JVM never tears a {@code long}.
 *
 * <p>Ready events per select are two counters ({@code ready_events / selects} in PromQL) rather
 * than a {@code DistributionSummary}: a summary's record is thread-safe (adders, a CAS loop for
 * the max, histogram buckets), so it costs ~10x more per select than a store, for a figure the
 * ratio of rates gives just as well.
 *
 * <p>Wiring in a loop (the loop thread makes every call except {@link #close()}):
 * {@snippet :
 * meters.beforeSelect(System.nanoTime());                  // working time ends here
 * int ready = selector.selectNanos(timeout, dispatcher);   // the dispatcher notes its first event
 * meters.afterSelect(ready, firstEventAt or now);          // blocked time ends at the wake-up
 * ...
 * meters.tasksRun(n);
 * }
 */
public final class LoopMeters implements AutoCloseable {

    private static final VarHandle SELECTS;
    private static final VarHandle READY;
    private static final VarHandle BLOCKED;
    private static final VarHandle WORKING;
    private static final VarHandle TASKS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SELECTS = l.findVarHandle(LoopMeters.class, "selects", long.class);
            READY = l.findVarHandle(LoopMeters.class, "readyEvents", long.class);
            BLOCKED = l.findVarHandle(LoopMeters.class, "blockedNanos", long.class);
            WORKING = l.findVarHandle(LoopMeters.class, "workingNanos", long.class);
            TASKS = l.findVarHandle(LoopMeters.class, "tasksRun", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static final double NANOS_PER_SECOND = 1e9;

    // Written by the loop thread only (opaque stores), read at scrape time (opaque loads).
    private long selects;
    private long readyEvents;
    private long blockedNanos;
    private long workingNanos;
    private long tasksRun;

    // Loop-thread-only bookkeeping, never read elsewhere.
    /** When the loop last woke from select: the start of the current working span. */
    private long wokeAt;
    /** False until the first select: the time before it (the loop not started yet) is not work. */
    private boolean selected;
    /** When the current select call started. */
    private long selectStartedAt;

    private final MeterRegistry registry;
    private final List<Meter> meters = new ArrayList<>();

    private LoopMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * Registers the meters of the loop named {@code loop} (its {@code loop} tag: unique in the
     * registry, or two loops would share one set of meters).
     *
     * @param pendingTasks the size of the loop's task queue, read at scrape time from the scraping
     *     thread (so it must be thread-safe; {@code ConcurrentLinkedQueue::size} is, at O(n))
     */
    public static LoopMeters register(MeterRegistry registry, String loop, IntSupplier pendingTasks) {
        LoopMeters m = new LoopMeters(registry);
        Tags tags = Tags.of("loop", loop);
        m.meters.add(FunctionCounter.builder("jselectors.loop.selects", m, x -> (long) SELECTS.getOpaque(x))
                .description("select calls made by the event loop").tags(tags).register(registry));
        m.meters.add(FunctionCounter.builder("jselectors.loop.ready.events", m, x -> (long) READY.getOpaque(x))
                .description("Ready keys returned by select; divide by selects for events per select")
                .tags(tags).register(registry));
        m.meters.add(FunctionCounter.builder("jselectors.loop.blocked", m,
                        x -> (long) BLOCKED.getOpaque(x) / NANOS_PER_SECOND)
                .description("Time the event loop spent waiting in select").baseUnit("seconds")
                .tags(tags).register(registry));
        m.meters.add(FunctionCounter.builder("jselectors.loop.working", m,
                        x -> (long) WORKING.getOpaque(x) / NANOS_PER_SECOND)
                .description("Time the event loop spent outside select: I/O, handlers, timers, tasks")
                .baseUnit("seconds").tags(tags).register(registry));
        m.meters.add(FunctionCounter.builder("jselectors.loop.tasks.run", m, x -> (long) TASKS.getOpaque(x))
                .description("Tasks and timers run by the event loop").tags(tags).register(registry));
        m.meters.add(Gauge.builder("jselectors.loop.tasks.pending", pendingTasks, IntSupplier::getAsInt)
                .description("Tasks queued for the event loop and not yet run").tags(tags)
                .strongReference(true).register(registry));
        return m;
    }

    /** The loop is about to select at {@code now}: the time since it last woke was work. */
    public void beforeSelect(long now) {
        selectStartedAt = now;
        if (selected) {
            WORKING.setOpaque(this, workingNanos + (now - wokeAt));
        }
        selected = true;
    }

    /**
     * Select returned with {@code ready} keys, the loop having woken at {@code woke} (its first
     * dispatched event, since selectNanos dispatches inside the call, or the return when none):
     * the time from {@link #beforeSelect} to then was blocked.
     */
    public void afterSelect(int ready, long woke) {
        BLOCKED.setOpaque(this, blockedNanos + Math.max(0, woke - selectStartedAt));
        wokeAt = woke;
        SELECTS.setOpaque(this, selects + 1);
        if (ready > 0) {
            READY.setOpaque(this, readyEvents + ready);
        }
    }

    /** The loop ran {@code n} tasks or timers. */
    public void tasksRun(int n) {
        if (n > 0) {
            TASKS.setOpaque(this, tasksRun + n);
        }
    }

    /** Removes this loop's meters from the registry (when the loop has stopped); any thread. */
    @Override
    public void close() {
        for (Meter m : meters) {
            registry.remove(m);
        }
        meters.clear();
    }
}
