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
 * <p>Cost: a message read whole costs the session a field test per read and a field store (its
 * own fields: see the constructor); one a read leaves incomplete costs a timestamp (the loop's turn time, a field load). The timer is not set per
 * message: one is pending at most, set when an incomplete message finds none, and when it fires
 * for a message that arrived meanwhile while a later one is incomplete, it is set again for that
 * one's deadline. On the connection's loop only.
 */
final class MessageDeadline {

    /** The close reason (code 1008) when a message took longer than its timeout. */
    static final String REASON = "message took too long to arrive";

    private final EventLoop loop;
    private final long timeoutNanos;
    private final BooleanSupplier waiting;
    private final Runnable expired;
    private EventLoop.Timer timer;
    /** The loop's turn time of the read the watched message began in. */
    private long startedAt;

    /**
     * @param waiting whether the watched message is still incomplete (checked when the timer
     *     fires): the session keeps that flag itself, set at {@link #watch} and cleared when a
     *     message arrives, so a message read whole costs a field test in the session and never
     *     touches this object
     * @param expired closes the session; runs when the watched message is still incomplete at its deadline
     */
    MessageDeadline(EventLoop loop, Duration timeout, BooleanSupplier waiting, Runnable expired) {
        this.loop = loop;
        this.timeoutNanos = timeout.toNanos();
        this.waiting = waiting;
        this.expired = expired;
    }

    /** A read ended with a message part way and none was watched: starts its clock. */
    void watch() {
        startedAt = loop.turnNanos();
        if (timer == null) {
            timer = loop.schedule(this::fire, timeoutNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** The session ended: no timer stays behind. */
    void stop() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private void fire() {
        timer = null;
        if (!waiting.getAsBoolean()) {
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
