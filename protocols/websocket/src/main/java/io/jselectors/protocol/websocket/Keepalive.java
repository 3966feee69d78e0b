package io.jselectors.protocol.websocket;

import io.jselectors.protocol.EventLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Pings a quiet peer once per interval and gives up on one that stays quiet for two: a whole
 * message or control frame proves it alive, and so do enough bytes of a large message arriving
 * ({@link #MIN_PROGRESS_BYTES_PER_SECOND}). On the connection's loop only; one timer per interval.
 * What the session heard is kept by the session ({@link Activity}) and taken once per tick, so a
 * read or a message costs a field store in the session and does not touch this object.
 */
final class Keepalive {

    /**
     * Bytes per second that count as life without a whole frame, 1024 (the HTTP body's minimum rate):
     * a large message on a slow link keeps its session, while a peer dripping a frame a byte at a
     * time, which can never answer a ping mid-frame, is closed after two ping intervals instead of
     * holding its partial message for ever.
     */
    static final long MIN_PROGRESS_BYTES_PER_SECOND = 1024;

    /** What the session heard since the last tick; each call clears what it returns. */
    interface Activity {
        /** Whether a whole message or control frame arrived since the last call. */
        boolean takeHeard();

        /** Bytes read since the last call: a large message arriving counts as life if it moves fast enough. */
        long takeBytes();
    }

    private final EventLoop loop;
    private final Duration interval;
    private final BooleanSupplier active;
    private final Activity activity;
    private final Runnable ping;
    private final Consumer<String> giveUp;
    private EventLoop.Timer timer;
    private boolean outstanding;

    /**
     * @param active whether pinging still makes sense (open, no close frame sent)
     * @param activity what the session heard, taken at each tick
     * @param ping sends a ping
     * @param giveUp closes a peer that answered nothing for two intervals, with the reason given
     */
    Keepalive(EventLoop loop, Duration interval, BooleanSupplier active, Activity activity, Runnable ping, Consumer<String> giveUp) {
        this.loop = loop;
        this.interval = interval;
        this.active = active;
        this.activity = activity;
        this.ping = ping;
        this.giveUp = giveUp;
    }

    void start() {
        timer = loop.schedule(this::tick, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    void stop() {
        if (timer != null) {
            timer.cancel();
        }
    }

    /** A pong arrived (the session counts it as heard too): the ping is answered. */
    void pong() {
        outstanding = false;
    }

    private void tick() {
        if (!active.getAsBoolean()) {
            return;
        }
        long progress = Math.max(1, MIN_PROGRESS_BYTES_PER_SECOND * interval.toMillis() / 1000);
        boolean heard = activity.takeHeard();
        boolean alive = heard | activity.takeBytes() >= progress; // both taken: the next interval starts from nothing
        if (outstanding && !alive) {
            giveUp.accept("no pong within " + interval.toSeconds() + " s");
            return;
        }
        outstanding = !alive;
        if (!alive) {
            ping.run();
        }
        start();
    }
}
