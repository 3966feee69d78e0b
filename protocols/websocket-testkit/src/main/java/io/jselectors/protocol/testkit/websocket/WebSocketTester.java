package io.jselectors.protocol.testkit.websocket;

import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.websocket.WebSocketHandler;
import io.jselectors.protocol.websocket.WebSocketMeters;
import io.jselectors.protocol.websocket.WebSocketSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * Runs a {@link WebSocketEndpoint} without sockets: each {@link #connect()} is a session whose
 * handshake is done, served by the same WebSocket handler the http listener switches an upgraded
 * connection to, on the testkit's in-memory connection and loop. So framing, UTF-8 checks, the
 * message cap, pings, the closing handshake, idle pings and backpressure are the server's own; the
 * test only plays the client ({@link WebSocketPeer}). Closing the tester aborts what is still open
 * (the endpoint hears 1006) and fails if a buffer leaked (the testkit's PARANOID tracking).
 *
 * {@snippet :
 * try (WebSocketTester tester = WebSocketTester.of(new EchoEndpoint())) {
 *     WebSocketPeer peer = tester.connect();
 *     peer.sendText("hello");
 *     assertThat(peer.texts()).containsExactly("hello");
 * }
 * }
 */
public final class WebSocketTester implements AutoCloseable {

    private final ProtocolTester tester;
    private WebSocketMeters meters;

    private WebSocketTester(WebSocketEndpoint endpoint, WebSocketSettings settings, String subprotocol) {
        this.tester = ProtocolTester.builder("websocket",
                listener -> new WebSocketHandler(endpoint, settings, subprotocol, meters)).build();
        // One set of meters for every session, as a listener has (they live in the tester's registry).
        this.meters = new WebSocketMeters(tester.meterRegistry());
    }

    /** A tester for {@code endpoint} with the server's default limits and no subprotocol. */
    public static WebSocketTester of(WebSocketEndpoint endpoint) {
        return builder(endpoint).build();
    }

    /** A builder for other limits ({@link WebSocketSettings}) or a subprotocol. */
    public static Builder builder(WebSocketEndpoint endpoint) {
        return new Builder(endpoint);
    }

    /** Opens a session: the endpoint's {@code onOpen} has run when this returns. */
    public WebSocketPeer connect() {
        return new WebSocketPeer(tester.connect());
    }

    /** Moves the loop's clock on, running the timers due (idle pings, the close timeout). */
    public WebSocketTester advance(Duration duration) {
        tester.advance(duration);
        return this;
    }

    /** The underlying protocol tester: its loop, meter registry ({@code jselectors.websocket.*}) and leak check. */
    public ProtocolTester tester() {
        return tester;
    }

    /** Aborts open sessions and checks for leaked buffers. */
    @Override
    public void close() {
        tester.close();
    }

    /** Settings for a {@link WebSocketTester}. */
    public static final class Builder {
        private final WebSocketEndpoint endpoint;
        private WebSocketSettings settings = WebSocketSettings.DEFAULTS;
        private String subprotocol;

        private Builder(WebSocketEndpoint endpoint) {
            this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        }

        /** The session's limits and timers (message cap, ping interval, close timeout). */
        public Builder settings(WebSocketSettings value) {
            settings = Objects.requireNonNull(value, "settings");
            return this;
        }

        /** The subprotocol the handshake agreed, as the session reports it (default none). */
        public Builder subprotocol(String value) {
            subprotocol = value;
            return this;
        }

        /** The tester. */
        public WebSocketTester build() {
            return new WebSocketTester(endpoint, settings, subprotocol);
        }
    }
}
