package io.jselectors.protocol;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A monotonic counter for event-loop threads that costs a field store per count: each thread
 * counts in a {@link Cell} of its own, and the registered {@link FunctionCounter} adds the cells
 * up only when the registry is scraped.
 *
 * <p><b>Why.</b> A Micrometer {@code Counter} is thread-safe: every increment is an atomic add
 * (a {@code DoubleAdder} CAS), behind a composite registry's loop over its children. On a path
 * taken once per read or per request that is several times the cost of the work being counted
 * (echo's 64-byte round trip, HTTP's {@code /hello}). A loop thread is the only writer of its
 * cell, so a count is a load, an add and an opaque store ({@link VarHandle#setOpaque}: an
 * ordinary store on x86_64 and aarch64 that the JIT may not drop or defer indefinitely).
 *
 * <p><b>Contract.</b> A cell is written only by the thread that took it with {@link #cell()};
 * hand a connection's handler the cell of its loop (take it in {@code onOpen} or at the first
 * count, on the loop thread: a connection's callbacks all run on that thread). A scrape may miss
 * the counts of the last few stores, never loses one, and the total never goes down: the cell of
 * a thread that ended keeps its count.
 *
 * {@snippet :
 * LoopCounter echoed = LoopCounter.builder("jselectors.echo.bytes").baseUnit("bytes").register(registry);
 * // in the handler, on its loop thread:
 * LoopCounter.Cell cell = echoed.cell();   // once per connection
 * cell.add(length);                        // per read: a plain store
 * }
 */
public final class LoopCounter {

    /**
     * The counters registered so far, by registry (weakly: a registry thrown away takes its
     * counters with it) and meter id, so a second registration finds the first; the registered
     * meter reads its counter through a weak reference, and this map is what keeps it alive.
     */
    private static final Map<MeterRegistry, Map<Meter.Id, LoopCounter>> REGISTERED = new WeakHashMap<>();

    private final List<Cell> cells = new CopyOnWriteArrayList<>();
    private final ThreadLocal<Cell> mine = ThreadLocal.withInitial(this::newCell);

    private LoopCounter() {}

    /** Starts a counter named {@code name} (Micrometer's dotted form). */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** The calling thread's cell, created at its first call; cheap enough per connection, not per count. */
    public Cell cell() {
        return mine.get();
    }

    /** The sum of every thread's cell; any thread. */
    public long count() {
        long sum = 0;
        for (Cell c : cells) {
            sum += (long) Cell.VALUE.getOpaque(c);
        }
        return sum;
    }

    private Cell newCell() {
        Cell c = new Cell();
        cells.add(c);
        return c;
    }

    /** One thread's share of a {@link LoopCounter}; written only by that thread. */
    public static final class Cell {

        private static final VarHandle VALUE;

        static {
            try {
                VALUE = MethodHandles.lookup().findVarHandle(Cell.class, "value", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private long value;

        private Cell() {}

        /** Counts {@code n} more (not negative); the owning thread only. */
        public void add(long n) {
            VALUE.setOpaque(this, value + n);
        }

        /** Counts one more; the owning thread only. */
        public void increment() {
            VALUE.setOpaque(this, value + 1);
        }
    }

    /** The meter's name, description, unit and tags, as Micrometer's builders take them. */
    public static final class Builder {
        private final String name;
        private String description;
        private String baseUnit;
        private Tags tags = Tags.empty();

        private Builder(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder description(String text) {
            description = text;
            return this;
        }

        public Builder baseUnit(String unit) {
            baseUnit = unit;
            return this;
        }

        public Builder tag(String key, String value) {
            tags = tags.and(key, value);
            return this;
        }

        public Builder tags(Iterable<io.micrometer.core.instrument.Tag> more) {
            tags = tags.and(more);
            return this;
        }

        /**
         * Registers the counter in {@code registry} (a Prometheus counter, {@code _total}) and
         * returns it; the same name and tags in the same registry give the same counter, as
         * Micrometer's {@code Counter.builder(...).register} does.
         */
        public LoopCounter register(MeterRegistry registry) {
            Meter.Id id = new Meter.Id(name, tags, baseUnit, description, Meter.Type.COUNTER);
            synchronized (REGISTERED) {
                Map<Meter.Id, LoopCounter> mine = REGISTERED.computeIfAbsent(registry, r -> new HashMap<>());
                LoopCounter counter = mine.get(id);
                if (counter == null) {
                    LoopCounter fresh = new LoopCounter();
                    FunctionCounter.builder(name, fresh, LoopCounter::count)
                            .description(description).baseUnit(baseUnit).tags(tags).register(registry);
                    counter = fresh;
                    mine.put(id, counter);
                }
                return counter;
            }
        }
    }
}
