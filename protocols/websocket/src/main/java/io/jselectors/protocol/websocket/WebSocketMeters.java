package io.jselectors.protocol.websocket;

import io.jselectors.protocol.LoopCounter;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The WebSocket meters of one listener: upgrades by outcome, open sessions, messages and wire bytes
 * in and out, and closes by code. Messages and bytes are {@link LoopCounter}s, counted per message
 * and per read or sent frame: a session counts in its loop's {@link Cells} (a field store per
 * count; a Micrometer counter's striped-adder CAS behind a composite registry was the largest
 * Java frame of a 64-byte echo). Upgrades, sessions and closes happen once per connection and stay
 * ordinary meters; a close looks its code's counter up in a small concurrent map.
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
    private final LoopCounter messagesIn;
    private final LoopCounter messagesOut;
    private final LoopCounter bytesIn;
    private final LoopCounter bytesOut;
    private final Map<Integer, Counter> closes = new ConcurrentHashMap<>();
    private final ThreadLocal<Cells> loopCells = ThreadLocal.withInitial(this::newCells);

    /** Registers the meters in {@code registry}. */
    public WebSocketMeters(MeterRegistry registry) {
        this.registry = registry;
        accepted = Counter.builder(UPGRADES).tag("result", "accepted").description("WebSocket handshakes").register(registry);
        refused = Counter.builder(UPGRADES).tag("result", "refused").description("WebSocket handshakes").register(registry);
        Gauge.builder(SESSIONS, sessions, AtomicLong::get).description("Open WebSocket sessions").register(registry);
        messagesIn = LoopCounter.builder(MESSAGES).tag("direction", "in").description("WebSocket messages").register(registry);
        messagesOut = LoopCounter.builder(MESSAGES).tag("direction", "out").description("WebSocket messages").register(registry);
        bytesIn = LoopCounter.builder(BYTES).tag("direction", "in").baseUnit("bytes").description("WebSocket bytes on the wire").register(registry);
        bytesOut = LoopCounter.builder(BYTES).tag("direction", "out").baseUnit("bytes").description("WebSocket bytes on the wire").register(registry);
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

    /**
     * The calling loop thread's cells, one holder per loop shared by its sessions (a per-session
     * holder was one more object read per message); take them on the session's loop (in {@code onOpen}).
     */
    Cells cells() {
        return loopCells.get();
    }

    private Cells newCells() {
        return new Cells(messagesIn.cell(), messagesOut.cell(), bytesIn.cell(), bytesOut.cell());
    }

    /** A loop's handle on its cells: every count is a plain store on that loop thread. */
    static final class Cells {
        private final LoopCounter.Cell messagesIn;
        private final LoopCounter.Cell messagesOut;
        private final LoopCounter.Cell bytesIn;
        private final LoopCounter.Cell bytesOut;

        private Cells(LoopCounter.Cell messagesIn, LoopCounter.Cell messagesOut, LoopCounter.Cell bytesIn, LoopCounter.Cell bytesOut) {
            this.messagesIn = messagesIn;
            this.messagesOut = messagesOut;
            this.bytesIn = bytesIn;
            this.bytesOut = bytesOut;
        }

        void messageIn() {
            messagesIn.increment();
        }

        void messageOut() {
            messagesOut.increment();
        }

        void bytesIn(int n) {
            bytesIn.add(n);
        }

        void bytesOut(int n) {
            bytesOut.add(n);
        }
    }
}
