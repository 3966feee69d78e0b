package io.jselectors.protocol.websocket;

import io.jselectors.protocol.EventLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The time a message is given to arrive whole ({@link WebSocketSettings#messageTimeout}), however
 * the peer spreads it out: fragments interleaved with pings or pongs keep the ping timer content
 * and each stays under the cap, so without it a peer could hold a partial message for ever.
 *
 * <p>Cost: a message read whole costs a field test per read and a field store; one a read leaves
 * incomplete costs a timestamp (the loop's turn time, a field load). The timer is not set per
 * message: one is pending at most, set when an incomplete message finds none, and when it fires
 * for a message that arrived meanwhile while a later one is incomplete, it is set again for that
 * one's deadline. On the connection's loop only.
 */
final class MessageDeadline {

    /** The close reason (code 1008) when a message took longer than its timeout. */
    static final String REASON = "message took too long to arrive";

    private final EventLoop loop;
    private final long timeoutNanos;
    private final BooleanSupplier assembling;
    private final Runnable expired;
    private EventLoop.Timer timer;
    /** A message is incomplete and {@link #startedAt} is its start. */
    private boolean watching;
    /** The loop's turn time of the read the watched message began in. */
    private long startedAt;

    /**
     * @param assembling whether a message is still incomplete (checked when the timer fires)
     * @param expired closes the session; runs when the watched message is still incomplete at its deadline
     */
    MessageDeadline(EventLoop loop, Duration timeout, BooleanSupplier assembling, Runnable expired) {
        this.loop = loop;
        this.timeoutNanos = timeout.toNanos();
        this.assembling = assembling;
        this.expired = expired;
    }

    /** A read ended; {@code incomplete}: a message is part way. Starts its clock if it has none. */
    void afterRead(boolean incomplete) {
        if (incomplete && !watching) {
            watching = true;
            startedAt = loop.turnNanos();
            if (timer == null) {
                timer = loop.schedule(this::fire, timeoutNanos, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** A whole message arrived: its clock stops (the pending timer, if any, finds nothing to do). */
    void messageArrived() {
        watching = false;
    }

    /** The session ended: no timer stays behind. */
    void stop() {
        watching = false;
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private void fire() {
        timer = null;
        if (!watching || !assembling.getAsBoolean()) {
            return; // nothing incomplete: the next incomplete message sets a timer again
        }
        long left = startedAt + timeoutNanos - loop.nanoTime();
        if (left > 0) { // a later message than the one the timer was set for
            timer = loop.schedule(this::fire, left, TimeUnit.NANOSECONDS);
        } else {
            expired.run();
        }
    }
}
