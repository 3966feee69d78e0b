package io.jselectors.protocol.chat;

import io.jselectors.protocol.EventLoop;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the outbound queues of chat members who are behind may cost together: {@code queue-budget}
 * bytes, counted as {@code pendingWriteBytes()} counts them (each queued line's bytes plus the 64 B
 * the server charges per queued buffer). {@code max-queue} bounds one reader; this bounds the
 * members who stopped reading together, which would otherwise be members x {@code max-queue}.
 *
 * <h2>The rule</h2>
 * A member is behind when its socket did not take everything at its last flush. What stays in its
 * queue is counted after each flush and before each line queued for it while it is behind; what a
 * reader that keeps up is sent between two flushes is not (it leaves at the flush, and the fan-out
 * pacing, {@link FanOutPacer}, bounds it). Each worker loop gets an equal share of the budget
 * ({@link LoopQueues}; the loops the chat has seen so far divide it, so the shares never add up to
 * more than the budget) and only ever disconnects its own members. When a line for a member who is
 * behind, or a flush, would take the loop past its share, the members of that loop who are behind
 * are disconnected, the fullest first, until the loop is under three quarters of its share: their
 * connections are aborted, which discards their queues at once (a reader that is not reading would
 * never see a goodbye line queued behind what it is not reading, and the line would keep all of it
 * held), and their room is told why. Members that keep up are never chosen, so senders and readers
 * do not notice.
 *
 * <p>A line shared by many members is one buffer, counted once per member: the count is an upper
 * bound of the memory held, so the budget errs on the side of disconnecting early.
 *
 * <p>Meters: {@code jselectors.chat.queued} (bytes waiting now, by this count), {@code
 * jselectors.chat.queued.peak} (the sum of each loop's highest count since start, taken after each
 * write or flush and the disconnections it caused; an upper bound of the highest total), {@code jselectors.chat.queue.budget} (the budget) in bytes, and {@code
 * jselectors.chat.queue.budget.disconnects} (members disconnected to stay within it).
 */
final class QueueBudget {

    /**
     * What a line about to be queued is counted as beyond its bytes before it is written, 64 B: the
     * server's per-entry charge ({@code ConnectionLimits.ENTRY_OVERHEAD}, which the chat cannot see
     * from the plugin API), so the check before a write matches the count after it.
     */
    static final int LINE_OVERHEAD = 64;

    private final long bytes;
    private final ConcurrentHashMap<EventLoop, LoopQueues> loops = new ConcurrentHashMap<>();
    private volatile long share;
    private final Counter disconnects;
    private final List<Meter> meters;

    QueueBudget(long bytes, MeterRegistry registry) {
        this.bytes = bytes;
        this.share = bytes;
        disconnects = Counter.builder("jselectors.chat.queue.budget.disconnects")
                .description("Chat members disconnected because the queues of all members passed queue-budget")
                .register(registry);
        meters = List.of(
                Gauge.builder("jselectors.chat.queued", this, QueueBudget::queued)
                        .description("What chat members' outbound queues hold now, as queue-budget counts it")
                        .baseUnit(BaseUnits.BYTES)
                        .strongReference(true)
                        .register(registry),
                Gauge.builder("jselectors.chat.queued.peak", this, QueueBudget::peak)
                        .description("The sum of each worker loop's highest chat queue count since start (an upper bound of the highest total)")
                        .baseUnit(BaseUnits.BYTES)
                        .strongReference(true)
                        .register(registry),
                Gauge.builder("jselectors.chat.queue.budget", this, b -> b.bytes)
                        .description("What chat members' outbound queues may hold together (queue-budget)")
                        .baseUnit(BaseUnits.BYTES)
                        .strongReference(true)
                        .register(registry),
                disconnects);
    }

    /** The meters this budget registered, for the owner to remove. */
    List<Meter> meters() {
        return meters;
    }

    /** The whole budget, in bytes. */
    long bytes() {
        return bytes;
    }

    /** The queues of {@code loop}'s members, created on the loop's first member. */
    LoopQueues on(EventLoop loop) {
        LoopQueues queues = loops.get(loop);
        if (queues != null) {
            return queues;
        }
        queues = loops.computeIfAbsent(loop, l -> new LoopQueues(this));
        share = bytes / loops.size();
        return queues;
    }

    /** One loop's share: the budget divided by the loops seen so far. */
    long share() {
        return share;
    }

    void countDisconnect() {
        disconnects.increment();
    }

    /** What the members' queues hold now, summed over the loops; from any thread. */
    double queued() {
        long sum = 0;
        for (LoopQueues queues : loops.values()) {
            sum += queues.published();
        }
        return sum;
    }

    /** The sum of each loop's highest count; from any thread. */
    double peak() {
        long sum = 0;
        for (LoopQueues queues : loops.values()) {
            sum += queues.peak();
        }
        return sum;
    }
}
