package io.jselectors.protocol.websocket;

import io.jselectors.protocol.EventLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The time a message is given to arrive whole ({@link WebSocketSettings#messageTimeout}), however
 * the peer spreads it out: fragments interleaved with pings or pongs keep the ping timer content
 * and each stays under the cap, so without it a peer could hold a partial message for ever. The
 * timer is armed only when a read ends with a message incomplete, never for a message that arrives
 * within one read, so a small message costs a field test. On the connection's loop only.
 */
final class MessageDeadline {

    /** The close reason (code 1008) when a message took longer than its timeout. */
    static final String REASON = "message took too long to arrive";

    private final EventLoop loop;
    private final Duration timeout;
    private final BooleanSupplier assembling;
    private final Runnable expired;
    private EventLoop.Timer timer;

    /**
     * @param assembling whether a message is still incomplete (checked when the timer fires)
     * @param expired closes the session; runs when the message is still incomplete at the deadline
     */
    MessageDeadline(EventLoop loop, Duration timeout, BooleanSupplier assembling, Runnable expired) {
        this.loop = loop;
        this.timeout = timeout;
        this.assembling = assembling;
        this.expired = expired;
    }

    /** A read ended; {@code incomplete}: a message is part way. Starts the clock for a message that has none. */
    void afterRead(boolean incomplete) {
        if (incomplete && timer == null) {
            timer = loop.schedule(this::fire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        }
    }

    /** A whole message arrived: the clock stops; the next incomplete one starts its own. */
    void messageArrived() {
        if (timer != null) {
            timer.cancel();
            timer = null;
        }
    }

    private void fire() {
        timer = null;
        if (assembling.getAsBoolean()) {
            expired.run();
        }
    }
}
