package io.jselectors.protocol.chat;

import io.jselectors.protocol.EventLoop;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Paces one member's room lines: after {@link #PER_TURN} deliveries its input waits for a round
 * trip over the loops of its room, so what one sender keeps in other members' queues is bounded
 * however fast it sends. Runs on the member's own loop only.
 */
final class FanOutPacer {

    /**
     * Deliveries (lines times room members) one member's lines may hand out before its input waits
     * until every loop of its room has run them and the flushes queued behind them, 16,384: each
     * delivery waiting for its flush is a duplicate in a member's queue (~64 B of heap, the
     * outbound entry overhead), so one sender keeps at most ~1 MiB of them in flight however fast
     * it sends and however large its room. A 10,000-member room still takes a line or two per
     * round trip, a 100-member room 160. The sender's wire stops reading meanwhile (a line
     * connection keeps the rest of its read, a WebSocket session the rest after the message being
     * handled) and TCP pushes back on the sender: nothing is dropped.
     */
    static final int PER_TURN = 16_384;

    private final EventLoop home;
    private final Runnable done;
    /** Deliveries handed out since the last round trip. */
    private int fannedOut;
    /** A round trip over the room's loops is under way: input waits (or is dropped) until it ends. */
    private boolean waiting;

    /** A pacer for a member of {@code home}; {@code done} runs there when a wait ends. */
    FanOutPacer(EventLoop home, Runnable done) {
        this.home = home;
        this.done = done;
    }

    /** Whether a round's worth of deliveries has not gone out yet: the member's input waits. */
    boolean waiting() {
        return waiting;
    }

    /** {@code deliveries} more were handed to {@code room}; starts a wait once the turn's share is spent. */
    void handedOut(Room room, int deliveries) {
        fannedOut += deliveries;
        if (fannedOut >= PER_TURN && !waiting) {
            awaitRoom(room);
        }
    }

    /**
     * Starts a round trip: a marker on every loop with a member in {@code room}, queued behind the
     * deliveries this member handed to it; when the last marker ran, this loop ends the wait (behind
     * the flushes those deliveries scheduled here).
     */
    private void awaitRoom(Room room) {
        waiting = true;
        Set<EventLoop> loops = Collections.newSetFromMap(new IdentityHashMap<>());
        loops.add(home);
        for (Member other : room.members()) {
            loops.add(other.connection().loop());
        }
        AtomicInteger left = new AtomicInteger(loops.size());
        Runnable marker = () -> {
            if (left.decrementAndGet() == 0) {
                submit(home, this::roundDone);
            }
        };
        for (EventLoop loop : loops) {
            if (!submit(loop, marker)) {
                marker.run(); // that loop is stopping: nothing of ours waits there
            }
        }
    }

    private void roundDone() {
        waiting = false;
        fannedOut = 0;
        done.run();
    }

    private static boolean submit(EventLoop loop, Runnable task) {
        try {
            loop.execute(task);
            return true;
        } catch (RejectedExecutionException stopped) {
            return false;
        }
    }
}
