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
 */
public record WebSocketSettings(int maxMessageBytes, Duration pingInterval, Duration closeTimeout) {

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

    /** The defaults above. */
    public static final WebSocketSettings DEFAULTS =
            new WebSocketSettings(DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_PING_INTERVAL, DEFAULT_CLOSE_TIMEOUT);

    /** Checks the values. */
    public WebSocketSettings {
        if (maxMessageBytes < 1) {
            throw new IllegalArgumentException("maxMessageBytes must be positive, got " + maxMessageBytes);
        }
        if (pingInterval.isNegative() || pingInterval.isZero() || closeTimeout.isNegative() || closeTimeout.isZero()) {
            throw new IllegalArgumentException("pingInterval and closeTimeout must be positive");
        }
    }
}
