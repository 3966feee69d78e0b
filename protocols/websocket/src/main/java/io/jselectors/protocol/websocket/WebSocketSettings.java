package io.jselectors.protocol.websocket;

import java.time.Duration;

/**
 * A session's limits and timers.
 *
 * @param maxMessageBytes the largest message accepted, assembled; larger closes with 1009
 * @param pingInterval how often a quiet session is pinged; a session that stays silent for a whole
 *     interval after a ping (no pong, no frame) is closed with 1001
 * @param closeTimeout how long to wait for the peer's close frame after ours before dropping the
 *     connection
 * @param messageTimeout how long a message may take to arrive whole, from the read its first frame
 *     began in; a message still incomplete then closes the session with 1008, whatever else the
 *     peer sends meanwhile (pings, pongs and fragments keep the ping timer happy, not this one);
 *     time spent with reading paused counts too, as it does for the ping timer
 */
public record WebSocketSettings(int maxMessageBytes, Duration pingInterval, Duration closeTimeout, Duration messageTimeout) {

    /**
     * 1 MiB: large enough for chat lines, pasted text and small images, small enough that a few
     * thousand sessions each mid-message cannot exhaust the heap.
     */
    public static final int DEFAULT_MAX_MESSAGE_BYTES = 1 << 20;

    /**
     * 30 s: below the 60 s idle timeout common in proxies and load balancers, so a quiet session
     * behind one stays open, and a dead peer is noticed within about a minute.
     */
    public static final Duration DEFAULT_PING_INTERVAL = Duration.ofSeconds(30);

    /** 5 s: a live peer answers a close frame within a round trip; a dead one is not waited for. */
    public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    /**
     * 60 s: the least time a message is given to arrive whole ({@link #messageTimeoutFor}), twice the
     * chat's line timeout; a browser sends a message whole within a round trip or two.
     */
    public static final Duration MIN_MESSAGE_TIMEOUT = Duration.ofSeconds(60);

    /**
     * 8 KiB/s (about 64 kbit/s, a poor mobile link): a message at the cap arriving at this rate still
     * arrives within its timeout, so larger caps get longer timeouts (1 MiB: 128 s).
     */
    public static final long MIN_MESSAGE_BYTES_PER_SECOND = 8 * 1024;

    /** The defaults above (a 128 s message timeout for the 1 MiB cap). */
    public static final WebSocketSettings DEFAULTS =
            new WebSocketSettings(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_PING_INTERVAL, DEFAULT_CLOSE_TIMEOUT);

    /** Checks the values. */
    public WebSocketSettings {
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be positive, got " + maxMessageBytes);
        }
        for (Duration d : new Duration[] {pingInterval, closeTimeout, messageTimeout}) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("pingInterval, closeTimeout and messageTimeout must be positive");
            }
        }
    }

    /** These limits with the message timeout {@link #messageTimeoutFor} the cap. */
    public WebSocketSettings(int maxMessageBytes, Duration pingInterval, Duration closeTimeout) {
        this(maxMessageBytes, pingInterval, closeTimeout, messageTimeoutFor(maxMessageBytes));
    }

    /**
     * The time a message of up to {@code maxMessageBytes} is given: {@link #MIN_MESSAGE_TIMEOUT},
     * or the cap at {@link #MIN_MESSAGE_BYTES_PER_SECOND} if that takes longer.
     */
    public static Duration messageTimeoutFor(int maxMessageBytes) {
        Duration atMinimumRate = Duration.ofSeconds(Math.ceilDiv(Math.max(1, maxMessageBytes), MIN_MESSAGE_BYTES_PER_SECOND));
        return atMinimumRate.compareTo(MIN_MESSAGE_TIMEOUT) > 0 ? atMinimumRate : MIN_MESSAGE_TIMEOUT;
    }
}
