package io.jselectors.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.epoll.Epoll;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** WsEchoLoad against NettyWebSocketServer (WebSocketServerProtocolHandler) on an ephemeral 127.0.0.1 port. */
class WsEchoLoadNettyTest {

    @BeforeEach
    void needsNettyEpoll() {
        Assumptions.assumeTrue(Epoll.isAvailable(),
                () -> "Netty's native epoll transport is not available here: " + Epoll.unavailabilityCause());
    }

    private static WsEchoLoad.Options options(int port, String path, int depth, boolean binary) {
        return new WsEchoLoad.Options(new InetSocketAddress(InetAddress.ofLiteral("127.0.0.1"), port), path, 5, depth, 64,
                binary, 1, 0.2, ProcessHandle.current().pid(), null);
    }

    @Test
    void textAndBinaryMessagesComeBackInOrder() throws Exception {
        try (NettyWebSocketServer server = NettyWebSocketServer.start(0, 1)) {
            for (boolean binary : new boolean[] {false, true}) {
                BlockingLoad.Result r = WsEchoLoad.run(options(server.port(), NettyWebSocketServer.PATH, 16, binary));
                assertThat(r.clean()).as(r.firstError()).isTrue();
                assertThat(r.line("ws-echo")).contains("conns=5", "depth=16", "errors=0",
                        "frames=" + (binary ? "binary" : "text"), "server_us_per_op=");
            }
        }
    }

    @Test
    void aRefusedUpgradeFailsTheRunWithTheStatus() throws Exception {
        try (NettyWebSocketServer server = NettyWebSocketServer.start(0, 1)) {
            assertThatThrownBy(() -> WsEchoLoad.run(options(server.port(), "/elsewhere", 1, false)))
                    .hasMessageContaining("every connection failed").hasMessageContaining("upgrade refused: HTTP/1.1 404");
        }
    }

    @Test
    void theAcceptValueIsRfc6455s() {
        // The example of RFC 6455 section 1.3.
        assertThat(WsClientSocket.accept("dGhlIHNhbXBsZSBub25jZQ==")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    @Test
    void sequenceNumbersRoundTripThroughHex() {
        byte[] b = new byte[WsEchoLoad.MIN_SIZE];
        WsEchoLoad.putHex(b, 0x1234_abcdL);
        assertThat(WsEchoLoad.parseHex(b)).isEqualTo(0x1234_abcdL);
        b[3] = 'x';
        assertThat(WsEchoLoad.parseHex(b)).isEqualTo(-1);
    }

    @Test
    void optionsAreChecked() {
        WsEchoLoad.Options o = WsEchoLoad.Options.parse(new String[] {"-p", "9", "--binary", "-d", "16", "--path", "/x"});
        assertThat(o.binary()).isTrue();
        assertThat(o.depth()).isEqualTo(16);
        assertThat(o.path()).isEqualTo("/x");
        assertThatThrownBy(() -> WsEchoLoad.Options.parse(new String[] {"-p", "9", "-s", "8"})).hasMessageContaining("-s must be");
        assertThatThrownBy(() -> WsEchoLoad.Options.parse(new String[] {"-p", "9", "--path", "x"})).hasMessageContaining("--path");
        assertThatThrownBy(() -> WsChatFanout.Options.parse(new String[] {"-p", "9", "--room", "a b"})).hasMessageContaining("--room");
    }
}
