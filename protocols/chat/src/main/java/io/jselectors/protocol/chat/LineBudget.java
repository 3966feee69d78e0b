package io.jselectors.protocol.chat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the partial lines of all line users may hold together: {@code line-budget} bytes of heap.
 * {@code max-line} bounds one user's unfinished line; without this, every connection at once could
 * hold one ({@code max-connections} x {@code max-line}: 40 MiB at the defaults, most of a 64 MiB
 * heap, and unbounded by the machine for a large {@code max-line}).
 *
 * <p>A line that arrives whole in one read is never buffered and never counted. A line in pieces
 * keeps its bytes in an array counted here from the moment it is made until the line ends; when
 * the array would have to grow past the budget, that line is dropped (its bytes up to the next LF
 * are discarded) and its user is told why, as for a line past {@code max-line}: the user who asked
 * for the memory is refused, nobody else is touched, and no connection is closed for it.
 *
 * <p>One counter for the listener, any loop: it is touched only when a line is split across reads
 * (a user typing in {@code nc} sends whole lines), so its contention is that of an attack.
 *
 * <p>Meters: {@code jselectors.chat.lines.buffered} (bytes held now), {@code
 * jselectors.chat.line.budget} (the budget) and {@code jselectors.chat.line.budget.refusals} (lines
 * dropped to stay within it).
 */
final class LineBudget {

    private final long bytes;
    private final AtomicLong held = new AtomicLong();
    private final Counter refusals;
    private final List<Meter> meters;

    LineBudget(long bytes, MeterRegistry registry) {
        this.bytes = bytes;
        refusals = Counter.builder("jselectors.chat.line.budget.refusals")
                .description("Partial chat lines dropped because all partial lines together reached line-budget")
                .register(registry);
        meters = List.of(
                Gauge.builder("jselectors.chat.lines.buffered", held, AtomicLong::get)
                        .description("Bytes of heap held by chat lines that arrived in pieces and have not ended")
                        .baseUnit(BaseUnits.BYTES)
                        .strongReference(true)
                        .register(registry),
                Gauge.builder("jselectors.chat.line.budget", () -> this.bytes)
                        .description("What the partial chat lines of all users may hold together (line-budget)")
                        .baseUnit(BaseUnits.BYTES)
                        .strongReference(true)
                        .register(registry),
                refusals);
    }

    /** Takes {@code n} bytes if they fit; counts a refusal if not. */
    boolean reserve(int n) {
        long now;
        do {
            now = held.get();
            if (now + n > bytes) {
                refusals.increment();
                return false;
            }
        } while (!held.compareAndSet(now, now + n));
        return true;
    }

    /** Gives back {@code n} bytes taken with {@link #reserve}. */
    void release(int n) {
        held.addAndGet(-n);
    }

    /** Bytes held now. */
    long held() {
        return held.get();
    }

    List<Meter> meters() {
        return meters;
    }
}
