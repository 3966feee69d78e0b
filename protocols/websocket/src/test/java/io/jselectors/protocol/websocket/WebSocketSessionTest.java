package io.jselectors.protocol.websocket;

import static io.jselectors.protocol.websocket.ClientFrames.frames;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.protocol.WebSocketCloseCodes;
import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketSession;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import io.jselectors.protocol.websocket.ClientFrames.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The session side: closing first, idle pings, backpressure, the endpoint's view. */
class WebSocketSessionTest {

    private static final Duration PING = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final List<String> events = new ArrayList<>();
    private final AtomicReference<WebSocketSession> session = new AtomicReference<>();
    private final WebSocketEndpoint endpoint = new WebSocketEndpoint() {
        @Override
        public void onOpen(WebSocketSession s) {
            session.set(s);
            events.add("open");
        }

        @Override
        public void onText(WebSocketSession s, String text) {
            events.add("text:" + text);
            s.sendText(text);
        }

        @Override
        public void onWritabilityChanged(WebSocketSession s, boolean writable) {
            events.add("writable:" + writable);
        }

        @Override
        public void onClose(WebSocketSession s, int code, String reason) {
            events.add("close:" + code + ":" + reason);
        }
    };
    private final ProtocolTester tester = ProtocolTester.builder(
                    "websocket", listener -> new WebSocketHandler(endpoint, new WebSocketSettings(1 << 20, PING, CLOSE_TIMEOUT), "chat.v1"))
            .build();

    @AfterEach
    void closeAndCheckLeaks() {
        tester.close();
    }

    @Test
    void serverCloseWaitsForThePeersCloseThenEnds() {
        TestConnection connection = tester.connect();
        session.get().close(WebSocketCloseCodes.NORMAL, "done");
        assertThat(ClientFrames.parse(connection.takeOutput())).singleElement()
                .satisfies(frame -> assertThat(frame.closeCode()).isEqualTo(1000));
        assertThat(session.get().isOpen()).isFalse();
        assertThat(connection.isOpen()).as("open until the peer answers").isTrue();

        connection.receive(frames().text("ignored while closing").close(1000, "").toBytes());
        assertThat(connection.takeOutput()).as("no echo and no second close").isEmpty();
        assertThat(connection.isOpen()).isFalse();
        assertThat(events).containsExactly("open", "close:1000:done");
    }

    @Test
    void serverCloseGivesUpAfterTheCloseTimeout() {
        TestConnection connection = tester.connect();
        session.get().close(WebSocketCloseCodes.GOING_AWAY, "bye");
        tester.advance(CLOSE_TIMEOUT.minusMillis(1));
        assertThat(connection.isOpen()).isTrue();
        tester.advance(Duration.ofMillis(1));
        assertThat(connection.isOpen()).isFalse();
        assertThat(events).containsExactly("open", "close:1001:bye");
    }

    @Test
    void closeWithACodeThatMayNotBeSentIsRefused() {
        tester.connect();
        assertThatThrownBy(() -> session.get().close(WebSocketCloseCodes.ABNORMAL, "")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void quietPeerIsPingedAndClosedWhenItDoesNotAnswer() {
        TestConnection connection = tester.connect();
        tester.advance(PING);
        assertThat(ClientFrames.parse(connection.takeOutput())).containsExactly(new Frame(true, Opcodes.PING, new byte[0]));
        tester.advance(PING);
        List<Frame> frames = ClientFrames.parse(connection.takeOutput());
        assertThat(frames).singleElement().satisfies(frame -> assertThat(frame.closeCode()).isEqualTo(1001));
    }

    @Test
    void peerThatAnswersPingsStaysOpen() {
        TestConnection connection = tester.connect();
        int pings = 0;
        for (int i = 0; i < 10; i++) {
            tester.advance(PING);
            for (Frame frame : ClientFrames.parse(connection.takeOutput())) {
                assertThat(frame.opcode()).isEqualTo(Opcodes.PING);
                pings++;
                connection.receive(frames().frame(true, Opcodes.PONG, frame.payload()).toBytes());
            }
        }
        // The pong is traffic: the interval after it is not quiet, so pings come every other interval.
        assertThat(pings).isEqualTo(5);
        assertThat(connection.isOpen()).isTrue();
        assertThat(session.get().isOpen()).isTrue();
    }

    @Test
    void busyPeerIsNotPinged() {
        TestConnection connection = tester.connect();
        for (int i = 0; i < 5; i++) {
            tester.advance(PING.minusSeconds(1));
            connection.receive(frames().text("t" + i).toBytes());
        }
        assertThat(ClientFrames.parse(connection.takeOutput())).extracting(Frame::opcode).containsOnly(Opcodes.TEXT);
        assertThat(connection.isOpen()).isTrue();
    }

    @Test
    void peerDrippingAFrameIsClosedAfterTwoIntervalsThoughEveryReadBringsBytes() {
        TestConnection connection = tester.connect();
        byte[] frame = frames().text("x".repeat(100_000)).toBytes();
        int at = 0;
        // One byte every 3 s, far under the 1 KiB/s that counts as life without a whole frame; it
        // cannot answer a ping in the middle of its frame. Before, every byte counted as life.
        for (int i = 0; i < 40 && connection.isOpen() && !connection.isClosing(); i++) {
            connection.receive(new byte[] {frame[at++]});
            tester.advance(Duration.ofSeconds(3));
        }
        List<Frame> sent = ClientFrames.parse(connection.takeOutput());
        assertThat(sent).extracting(Frame::opcode).containsExactly(Opcodes.PING, Opcodes.CLOSE);
        assertThat(sent.getLast().closeCode()).isEqualTo(1001);
        assertThat(at).as("bytes dripped: two intervals' worth, then the 5 s our close waits for the peer's").isBetween(20, 22);
        assertThat(connection.isOpen()).as("closed, with its partial message").isFalse();
    }

    @Test
    void aLargeMessageArrivingSlowlyButSteadilyKeepsItsSession() {
        TestConnection connection = tester.connect();
        byte[] frame = frames().text("x".repeat(200_000)).toBytes();
        int chunk = 2048; // 2 KiB per second: over the minimum, a slow link
        for (int at = 0; at < frame.length; at += chunk) {
            connection.receive(java.util.Arrays.copyOfRange(frame, at, Math.min(frame.length, at + chunk)));
            tester.advance(Duration.ofSeconds(1));
            assertThat(connection.isOpen() && !connection.isClosing()).as("at byte %d", at).isTrue();
        }
        assertThat(ClientFrames.parse(connection.takeOutput())).extracting(Frame::opcode).doesNotContain(Opcodes.CLOSE, Opcodes.PING);
    }

    @Test
    void readingPausesWhileThePeerDoesNotReadAndResumesAfter() {
        TestConnection connection = tester.connect().socketCapacity(0);
        String big = "x".repeat(40_000);
        connection.receive(frames().text(big).text(big).toBytes());
        assertThat(connection.isReadingPaused()).isTrue();
        assertThat(session.get().isWritable()).isFalse();
        assertThat(events).contains("writable:false");

        connection.socketCapacity(TestConnection.UNLIMITED);
        List<Frame> frames = ClientFrames.parse(connection.takeOutput());
        assertThat(frames).hasSize(2);
        assertThat(connection.isReadingPaused()).isFalse();
        assertThat(events).endsWith("writable:true");
    }

    @Test
    void sessionKnowsItsSubprotocolAndDroppedConnectionIsAbnormal() {
        TestConnection connection = tester.connect();
        assertThat(session.get().subprotocol()).isEqualTo("chat.v1");
        connection.peerReset();
        assertThat(events).containsExactly("open", "close:1006:");
    }

    @Test
    void shutdownClosesWithGoingAway() {
        TestConnection connection = tester.connect();
        connection.shutdown();
        assertThat(ClientFrames.parse(connection.takeOutput())).singleElement()
                .satisfies(frame -> assertThat(frame.closeCode()).isEqualTo(1001));
    }
}
