package io.jselectors.protocol.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketSession;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import io.jselectors.protocol.websocket.OriginPolicy;
import io.jselectors.protocol.websocket.WebSocketMeters;
import io.jselectors.protocol.websocket.WebSocketRoute;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The http listener hands a connection to a WebSocket endpoint registered on a path. */
class WebSocketUpgradeTest {

    private static final String UPGRADE = WebSocketRequests.upgrade("/ws", "Sec-WebSocket-Protocol: echo.v1\r\n");

    private final List<String> events = new ArrayList<>();
    private final WebSocketEndpoint echo = new WebSocketEndpoint() {
        @Override
        public void onOpen(WebSocketSession session) {
            events.add("open:" + session.subprotocol());
        }

        @Override
        public void onText(WebSocketSession session, String text) {
            events.add("text:" + text);
            session.sendText(text);
        }
    };
    private final ProtocolTester tester = ProtocolTester.of(HttpProtocol.embedded("web", 8080, "ws test", routes -> routes
            .add("/plain", request -> HttpResponse.text(200, "plain\n"))
            .addWebSocket("/ws", WebSocketRoute.of(echo).withSubprotocols(List.of("echo.v1")))));

    @AfterEach
    void closeAndCheckLeaks() {
        tester.close();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    @Test
    void upgradeSwitchesAndTheFrameAfterTheRequestReachesTheEndpoint() {
        TestConnection connection = tester.connect();
        // The first frame arrives in the same read as the request: it must not be lost in the switch.
        connection.receive(concat((UPGRADE + "\r\n").getBytes(StandardCharsets.US_ASCII), WebSocketRequests.maskedText("hi")));
        byte[] output = connection.takeOutput();
        String text = new String(output, StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                .contains("\r\nSec-WebSocket-Accept: " + WebSocketRequests.ACCEPT + "\r\n")
                .contains("\r\nSec-WebSocket-Protocol: echo.v1\r\n")
                .endsWith("\r\n\r\n\u0081\u0002hi");
        assertThat(events).containsExactly("open:echo.v1", "text:hi");

        connection.receive(WebSocketRequests.maskedText("again"));
        assertThat(new String(connection.takeOutput(), StandardCharsets.ISO_8859_1)).isEqualTo("\u0081\u0005again");
        assertThat(connection.isOpen()).isTrue();

        MeterRegistry meters = tester.meterRegistry();
        assertThat(meters.get(WebSocketMeters.UPGRADES).tag("result", "accepted").counter().count()).isEqualTo(1);
        assertThat(meters.get(WebSocketMeters.SESSIONS).gauge().value()).isEqualTo(1);
        assertThat(meters.get(WebSocketMeters.MESSAGES).tag("direction", "in").functionCounter().count()).isEqualTo(2);
        assertThat(meters.get(WebSocketMeters.MESSAGES).tag("direction", "out").functionCounter().count()).isEqualTo(2);
        assertThat(meters.get(WebSocketMeters.BYTES).tag("direction", "in").functionCounter().count()).isEqualTo(8 + 11); // 6-byte headers
        assertThat(meters.get(WebSocketMeters.BYTES).tag("direction", "out").functionCounter().count()).isEqualTo(4 + 7);

        connection.peerReset();
        assertThat(meters.get(WebSocketMeters.SESSIONS).gauge().value()).isZero();
        assertThat(meters.get(WebSocketMeters.CLOSES).tag("code", "1006").counter().count()).isEqualTo(1);
    }

    @Test
    void wrongVersionGets426AndTheConnectionCloses() {
        TestConnection connection = tester.connect();
        connection.receive(UPGRADE.replace("Version: 13", "Version: 8") + "\r\n");
        String text = connection.takeOutputString();
        assertThat(text).startsWith("HTTP/1.1 426 ").contains("\r\nSec-WebSocket-Version: 13\r\n");
        assertThat(connection.isOpen()).isFalse();
        assertThat(events).isEmpty();
        assertThat(tester.meterRegistry().get(WebSocketMeters.UPGRADES).tag("result", "refused").counter().count()).isEqualTo(1);
    }

    @Test
    void plainGetOnTheWebSocketPathGets400() {
        TestConnection connection = tester.connect();
        connection.receive("GET /ws HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(connection.takeOutputString()).startsWith("HTTP/1.1 400 ").endsWith("missing Upgrade: websocket\n");
    }

    @Test
    void foreignOriginGets403() {
        TestConnection connection = tester.connect();
        connection.receive(UPGRADE + "Origin: http://evil.example\r\n\r\n");
        assertThat(connection.takeOutputString()).startsWith("HTTP/1.1 403 ");
        assertThat(events).isEmpty();
    }

    @Test
    void otherRoutesStillAnswer() {
        TestConnection connection = tester.connect();
        connection.receive("GET /plain HTTP/1.1\r\nHost: localhost\r\n\r\n");
        assertThat(connection.takeOutputString()).startsWith("HTTP/1.1 200 ").endsWith("plain\n");
        assertThat(OriginPolicy.sameOrigin().allows("http://localhost:8080", "localhost:8080")).isTrue();
    }
}
