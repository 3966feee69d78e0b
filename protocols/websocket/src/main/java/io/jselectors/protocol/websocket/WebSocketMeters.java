package io.jselectors.protocol.websocket;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WebSocket meters of one listener: upgrades by outcome, open sessions, messages and wire bytes
 * in and out, and closes by code. Cost on the loop: one counter increment per message and per
 * read or written frame batch (Micrometer counters are striped adders, no lock); a close looks its
 * code's counter up in a small concurrent map.
 */
public final class WebSocketMeters {

    /** Handshakes, tagged {@code result=accepted|refused}. */
    public static final String UPGRADES = "jselectors.websocket.upgrades";
    /** Sessions open now. */
    public static final String SESSIONS = "jselectors.websocket.sessions";
    /** Whole messages, tagged {@code direction=in|out}. */
    public static final String MESSAGES = "jselectors.websocket.messages";
    /** Bytes on the wire after the handshake (frame headers included), tagged {@code direction=in|out}. */
    public static final String BYTES = "jselectors.websocket.bytes";
    /** Ended sessions, tagged with the close {@code code} (1006 when the connection dropped). */
    public static final String CLOSES = "jselectors.websocket.closes";

    private final MeterRegistry registry;
    private final Counter accepted;
    private final Counter refused;
    private final AtomicLong sessions = new AtomicLong();
    private final Counter messagesIn;
    private final Counter messagesOut;
    private final Counter bytesIn;
    private final Counter bytesOut;
    private final Map<Integer, Counter> closes = new ConcurrentHashMap<>();

    /** Registers the meters in {@code registry}. */
    public WebSocketMeters(MeterRegistry registry) {
        this.registry = registry;
        accepted = Counter.builder(UPGRADES).tag("result", "accepted").description("WebSocket handshakes").register(registry);
        refused = Counter.builder(UPGRADES).tag("result", "refused").description("WebSocket handshakes").register(registry);
        Gauge.builder(SESSIONS, sessions, AtomicLong::get).description("Open WebSocket sessions").register(registry);
        messagesIn = Counter.builder(MESSAGES).tag("direction", "in").description("WebSocket messages").register(registry);
        messagesOut = Counter.builder(MESSAGES).tag("direction", "out").description("WebSocket messages").register(registry);
        bytesIn = Counter.builder(BYTES).tag("direction", "in").baseUnit("bytes").description("WebSocket bytes on the wire").register(registry);
        bytesOut = Counter.builder(BYTES).tag("direction", "out").baseUnit("bytes").description("WebSocket bytes on the wire").register(registry);
    }

    /** Meters that record nothing, for handlers run outside a listener (tests, tools). */
    public static WebSocketMeters none() {
        return new WebSocketMeters(new CompositeMeterRegistry()); // no child registry: every meter is a no-op
    }

    /** Counts a handshake's outcome. */
    public void upgrade(boolean wasAccepted) {
        (wasAccepted ? accepted : refused).increment();
    }

    void opened() {
        sessions.incrementAndGet();
    }

    void closed(int code) {
        sessions.decrementAndGet();
        closes.computeIfAbsent(code, c -> Counter.builder(CLOSES).tag("code", Integer.toString(c))
                        .description("Ended WebSocket sessions by close code").register(registry))
                .increment();
    }

    void messageIn() {
        messagesIn.increment();
    }

    void messageOut() {
        messagesOut.increment();
    }

    void bytesIn(int n) {
        bytesIn.increment(n);
    }

    void bytesOut(int n) {
        bytesOut.increment(n);
    }
}
