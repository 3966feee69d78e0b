package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketSession;
import io.jselectors.protocol.http.HttpProtocol;
import io.jselectors.protocol.websocket.OriginPolicy;
import io.jselectors.protocol.websocket.WebSocketRoute;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * WebSocket over real sockets on 127.0.0.1: an http listener with an echo endpoint on /ws, driven
 * by a raw client that writes frames by hand. One case per Autobahn group (framing, pings, reserved
 * bits, opcodes, fragmentation, UTF-8, close); the full case list runs in memory in the websocket
 * module's WebSocketConformanceTest.
 */
class WebSocketServerTest {

    private static final int READ_TIMEOUT_MS = 20_000;
    private static final byte[] MASK = {0x5A, (byte) 0xC3, 0x11, 0x7E};

    private Server server;

    static Stream<Arguments> transports() {
        return Stream.of(Arguments.of("native", "epoll"), Arguments.of("nio", "nio"));
    }

    private InetSocketAddress start(String transport, String selector) throws IOException {
        WebSocketEndpoint echo = new WebSocketEndpoint() {
            @Override
            public void onText(WebSocketSession session, String text) {
                session.sendText(text);
            }

            @Override
            public void onBinary(WebSocketSession session, ByteBuf data) {
                session.sendBinary(data);
            }
        };
        Protocols protocols = new Protocols();
        protocols.add(HttpProtocol.embedded("web", 8080, "WebSocket echo", routes -> routes
                .addWebSocket("/ws", WebSocketRoute.of(echo).withOrigins(OriginPolicy.anyOrigin()))));
        ServerSettings settings = ServerSettings.defaults(List.of(ServerSettings.ListenerSpec.parse("web=127.0.0.1:0", "127.0.0.1")))
                .withWorkers(1)
                .withTransport(transport, selector);
        server = Server.start(settings, protocols, new SimpleMeterRegistry());
        return server.address("web");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdown();
        }
    }

    /** A connected client past the handshake. */
    private static final class Client implements AutoCloseable {
        final Socket socket = new Socket();
        final DataInputStream in;

        Client(InetSocketAddress address) throws IOException {
            socket.connect(address, READ_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            in = new DataInputStream(socket.getInputStream());
            socket.getOutputStream().write(("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 101 ").contains("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
        }

        void send(int firstByte, byte[] payload) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(firstByte);
            int n = payload.length;
            if (n < 126) {
                out.write(0x80 | n);
            } else {
                out.write(0x80 | 126);
                out.write(n >>> 8);
                out.write(n);
            }
            out.writeBytes(MASK);
            for (int i = 0; i < n; i++) {
                out.write(payload[i] ^ MASK[i & 3]);
            }
            socket.getOutputStream().write(out.toByteArray());
        }

        /** Reads one server frame: {opcode, payload...} as first byte and payload. */
        byte[] frame() throws IOException {
            int b0 = in.readUnsignedByte();
            int len = in.readUnsignedByte();
            assertThat(len & 0x80).as("server frames are not masked").isZero();
            len &= 0x7F;
            if (len == 126) {
                len = in.readUnsignedShort();
            } else if (len == 127) {
                len = (int) in.readLong();
            }
            byte[] frame = new byte[1 + len];
            frame[0] = (byte) b0;
            in.readFully(frame, 1, len);
            return frame;
        }

        /** The close frame's code, then the end of the stream. */
        int closeCodeThenEof() throws IOException {
            byte[] frame = frame();
            assertThat(frame[0] & 0xFF).as("FIN + close").isEqualTo(0x88);
            assertThat(in.read()).as("the server closes after its close frame").isEqualTo(-1);
            return ((frame[1] & 0xFF) << 8) | (frame[2] & 0xFF);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed in the response head: " + head);
            }
            head.write(b);
            byte[] bytes = head.toByteArray();
            int n = bytes.length;
            if (n >= 4 && bytes[n - 4] == '\r' && bytes[n - 3] == '\n' && bytes[n - 2] == '\r' && bytes[n - 1] == '\n') {
                return head.toString(StandardCharsets.US_ASCII);
            }
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void framingEchoesTextAndBinaryOfEveryLengthForm(String transport, String selector) throws Exception {
        try (Client client = new Client(start(transport, selector))) {
            for (int length : new int[] {0, 125, 126, 65_535}) {
                byte[] data = new byte[length];
                Arrays.fill(data, (byte) 'w');
                client.send(0x81, data);
                byte[] frame = client.frame();
                assertThat(frame[0] & 0xFF).isEqualTo(0x81);
                assertThat(frame.length - 1).isEqualTo(length);
                client.send(0x82, data);
                assertThat(client.frame().length - 1).isEqualTo(length);
            }
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void pingsGetPongsAndFragmentsAssemble(String transport, String selector) throws Exception {
        try (Client client = new Client(start(transport, selector))) {
            client.send(0x01, "frag".getBytes(StandardCharsets.US_ASCII)); // text, not final
            client.send(0x89, "p".getBytes(StandardCharsets.US_ASCII)); // ping between the fragments
            client.send(0x80, "ment".getBytes(StandardCharsets.US_ASCII)); // final continuation
            assertThat(client.frame()).containsExactly(0x8A, 'p');
            assertThat(new String(client.frame(), 1, 8, StandardCharsets.US_ASCII)).isEqualTo("fragment");
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void violationsCloseWithTheRfcsCodes(String transport, String selector) throws Exception {
        InetSocketAddress address = start(transport, selector);
        try (Client reserved = new Client(address)) {
            reserved.send(0xC1, "x".getBytes(StandardCharsets.US_ASCII)); // RSV1 without an extension
            assertThat(reserved.closeCodeThenEof()).isEqualTo(1002);
        }
        try (Client opcode = new Client(address)) {
            opcode.send(0x83, new byte[0]); // reserved opcode 3
            assertThat(opcode.closeCodeThenEof()).isEqualTo(1002);
        }
        try (Client utf8 = new Client(address)) {
            utf8.send(0x81, new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}); // a surrogate
            assertThat(utf8.closeCodeThenEof()).isEqualTo(1007);
        }
    }

    @ParameterizedTest(name = "{0}/{1}")
    @MethodSource("transports")
    void closeIsEchoedAndTheServerClosesTheSocket(String transport, String selector) throws Exception {
        try (Client client = new Client(start(transport, selector))) {
            client.send(0x88, new byte[] {0x03, (byte) 0xE8, 'b', 'y', 'e'}); // 1000 "bye"
            assertThat(client.closeCodeThenEof()).isEqualTo(1000);
        }
    }
}
