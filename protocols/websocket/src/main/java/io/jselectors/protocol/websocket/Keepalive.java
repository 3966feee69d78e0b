package io.jselectors.protocol.websocket;

import io.jselectors.protocol.EventLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Pings a quiet peer once per interval and gives up on one that stays quiet for two: a whole
 * message or control frame proves it alive, and so do enough bytes of a large message arriving
 * ({@link #MIN_PROGRESS_BYTES_PER_SECOND}). On the connection's loop only; costs a field store per
 * read and per message, and one timer per interval.
 */
final class Keepalive {

    /**
     * Bytes per second that count as life without a whole frame, 1024 (the HTTP body's minimum rate):
     * a large message on a slow link keeps its session, while a peer dripping a frame a byte at a
     * time, which can never answer a ping mid-frame, is closed after two ping intervals instead of
     * holding its partial message for ever.
     */
    static final long MIN_PROGRESS_BYTES_PER_SECOND = 1024;

    private final EventLoop loop;
    private final Duration interval;
    private final BooleanSupplier active;
    private final Runnable ping;
    private final Consumer<String> giveUp;
    private EventLoop.Timer timer;
    /** A whole message or control frame arrived since the last tick. */
    private boolean heard;
    /** Bytes read since the last tick: a large message arriving counts as life if it moves fast enough. */
    private long bytes;
    private boolean outstanding;

    /**
     * @param active whether pinging still makes sense (open, no close frame sent)
     * @param ping sends a ping
     * @param giveUp closes a peer that answered nothing for two intervals, with the reason given
     */
    Keepalive(EventLoop loop, Duration interval, BooleanSupplier active, Runnable ping, Consumer<String> giveUp) {
        this.loop = loop;
        this.interval = interval;
        this.active = active;
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

    /** A whole message or control frame arrived. */
    void heard() {
        heard = true;
    }

    /** A pong arrived (also unsolicited, section 5.5.3): the peer is alive and answered. */
    void pong() {
        heard = true;
        outstanding = false;
    }

    void bytesRead(long n) {
        bytes += n;
    }

    private void tick() {
        if (!active.getAsBoolean()) {
            return;
        }
        long progress = Math.max(1, MIN_PROGRESS_BYTES_PER_SECOND * interval.toMillis() / 1000);
        boolean alive = heard || bytes >= progress;
        bytes = 0;
        if (outstanding && !alive) {
            giveUp.accept("no pong within " + interval.toSeconds() + " s");
            return;
        }
        outstanding = !alive;
        if (!alive) {
            ping.run();
        }
        heard = false;
        start();
    }
}
