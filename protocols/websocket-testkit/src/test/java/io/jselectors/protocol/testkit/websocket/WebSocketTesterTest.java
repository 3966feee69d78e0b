package io.jselectors.protocol.testkit.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.WebSocketCloseCodes;
import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketSession;
import io.jselectors.protocol.testkit.TestConnection;
import io.jselectors.protocol.websocket.Opcodes;
import io.jselectors.protocol.websocket.WebSocketSettings;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The WebSocket testkit against a small echo endpoint, the way a plugin author would use it. */
class WebSocketTesterTest {

    /** Echoes text and binary messages, and records what it heard. */
    static final class Echo implements WebSocketEndpoint {
        final List<String> heard = new ArrayList<>();
        WebSocketSession session;

        @Override
        public void onOpen(WebSocketSession s) {
            session = s;
            heard.add("open");
        }

        @Override
        public void onText(WebSocketSession s, String text) {
            heard.add("text:" + text);
            s.sendText(text);
        }

        @Override
        public void onBinary(WebSocketSession s, ByteBuf data) {
            heard.add("binary:" + data.readableBytes());
            s.sendBinary(data);
        }

        @Override
        public void onWritabilityChanged(WebSocketSession s, boolean writable) {
            heard.add("writable:" + writable);
        }

        @Override
        public void onClose(WebSocketSession s, int code, String reason) {
            heard.add("close:" + code);
        }
    }

    @Test
    void textBinaryAndFragmentsAreEchoed() {
        Echo echo = new Echo();
        try (WebSocketTester tester = WebSocketTester.of(echo)) {
            WebSocketPeer peer = tester.connect();
            peer.sendText("hello").sendText("wörld");
            assertThat(peer.texts()).containsExactly("hello", "wörld");
            peer.sendBinary(new byte[] {1, 2, 3});
            assertThat(peer.binaries()).singleElement().isEqualTo(new byte[] {1, 2, 3});
            peer.sendFrame(false, Opcodes.TEXT, "frag".getBytes(StandardCharsets.UTF_8))
                    .sendFrame(true, Opcodes.CONTINUATION, "ments".getBytes(StandardCharsets.UTF_8));
            assertThat(peer.texts()).containsExactly("fragments");
            String big = "x".repeat(70_000); // the 64-bit length form both ways (and past the 64 KiB water mark)
            peer.sendText(big);
            assertThat(peer.texts()).singleElement().isEqualTo(big);
            assertThat(echo.heard.stream().filter(h -> !h.startsWith("writable:")).map(h -> h.length() > 40 ? h.length() + " chars" : h))
                    .containsExactly("open", "text:hello", "text:wörld", "binary:3", "text:fragments", (5 + big.length()) + " chars");
        }
    }

    @Test
    void pingsAreAnsweredForTheEndpointAndCloseCodesAreSeen() {
        Echo echo = new Echo();
        try (WebSocketTester tester = WebSocketTester.of(echo)) {
            WebSocketPeer peer = tester.connect();
            peer.ping("are you there");
            assertThat(peer.pongs()).containsExactly("are you there");
            assertThat(echo.heard).containsExactly("open");
            peer.close(WebSocketCloseCodes.NORMAL, "done");
            assertThat(peer.closeCode()).hasValue(WebSocketCloseCodes.NORMAL);
            assertThat(peer.isOpen()).as("the server closes TCP after echoing the close").isFalse();
            assertThat(echo.heard).last().isEqualTo("close:" + WebSocketCloseCodes.NORMAL);
        }
    }

    @Test
    void ruleBreakersGetTheRfcsCloseCode() {
        try (WebSocketTester tester = WebSocketTester.builder(new Echo())
                .settings(new WebSocketSettings(16, WebSocketSettings.DEFAULT_PING_INTERVAL, WebSocketSettings.DEFAULT_CLOSE_TIMEOUT))
                .build()) {
            WebSocketPeer tooBig = tester.connect().sendText("seventeen bytes!!");
            assertThat(tooBig.closeCode()).hasValue(WebSocketCloseCodes.MESSAGE_TOO_BIG);
            WebSocketPeer badUtf8 = tester.connect().sendFrame(true, Opcodes.TEXT, new byte[] {(byte) 0xC3, 0x28});
            assertThat(badUtf8.closeCode()).hasValue(WebSocketCloseCodes.INVALID_PAYLOAD);
            WebSocketPeer unmasked = tester.connect().sendRaw(new byte[] {(byte) 0x81, 0x01, 'a'});
            assertThat(unmasked.closeCode()).hasValue(WebSocketCloseCodes.PROTOCOL_ERROR);
        }
    }

    @Test
    void aPeerThatStopsReadingMakesTheSessionNotWritableAndPausesReading() {
        Echo echo = new Echo();
        try (WebSocketTester tester = WebSocketTester.of(echo)) {
            WebSocketPeer peer = tester.connect().stopReading();
            String chunk = "y".repeat(8 * 1024);
            int sent = 0;
            while (echo.session.isWritable()) {
                peer.sendText(chunk);
                sent++;
            }
            assertThat(echo.heard).contains("writable:false");
            assertThat(peer.connection().pendingWriteBytes()).isGreaterThan(TestConnection.HIGH_WATER_MARK);
            peer.sendText("waits");
            assertThat(peer.connection().unreadBytes()).as("reading paused while not writable").isPositive();
            assertThat(peer.texts()).isEmpty();
            peer.resumeReading();
            assertThat(echo.heard).contains("writable:true");
            List<String> back = peer.texts();
            assertThat(back).hasSize(sent + 1).endsWith("waits");
        }
    }

    @Test
    void aQuietPeerIsPingedAndThenDropped() {
        Echo echo = new Echo();
        try (WebSocketTester tester = WebSocketTester.of(echo)) {
            WebSocketPeer peer = tester.connect();
            tester.advance(WebSocketSettings.DEFAULT_PING_INTERVAL.plusMillis(1));
            assertThat(peer.pings()).hasSize(1);
            tester.advance(WebSocketSettings.DEFAULT_PING_INTERVAL.plus(Duration.ofSeconds(1)));
            assertThat(peer.closeCode()).hasValue(WebSocketCloseCodes.GOING_AWAY);
        }
    }
}
