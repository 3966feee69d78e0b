package io.jselectors.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The chat listener and the http listener's {@code /chat} WebSocket endpoint share one set of rooms
 * in a server, over real sockets; a second server in the same JVM shares nothing with the first.
 */
class ChatWebSocketServerTest {

    private static final int READ_TIMEOUT_MS = 20_000;

    private final List<Server> servers = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(Server::shutdown);
    }

    private Server start() throws IOException {
        return start("chat", "http");
    }

    /** A server with these listeners, started in this order. */
    private Server start(String... protocols) throws IOException {
        List<ServerSettings.ListenerSpec> listeners = new ArrayList<>();
        for (String protocol : protocols) {
            listeners.add(ServerSettings.ListenerSpec.parse(protocol + "=127.0.0.1:0", "127.0.0.1"));
        }
        ServerSettings settings = ServerSettings.defaults(listeners)
                .withWorkers(2)
                .withLimits(Duration.ZERO, 1000, Duration.ofSeconds(2))
                .withOptions(Map.of());
        Server server = Server.start(settings, new SimpleMeterRegistry());
        servers.add(server);
        return server;
    }

    @Test
    void ncAndWebSocketUsersShareRoomsAndNicks() throws IOException {
        Server server = start();
        try (LineChatClient nc = new LineChatClient(server.address("chat"), Duration.ofMillis(READ_TIMEOUT_MS));
                WsClient web = new WsClient(server.address("http"))) {
            nc.await("welcome");
            nc.send("/nick carol");
            nc.await("is now known as carol");
            web.await("welcome to jselectors chat");
            web.send("/nick webby");
            assertThat(nc.await("is now known as webby")).startsWith("[lobby] * guest-");
            web.send("hello over websocket\n");
            assertThat(nc.await("hello over")).isEqualTo("[lobby] webby: hello over websocket");
            nc.send("hello over tcp");
            assertThat(web.await("hello over tcp")).isEqualTo("[lobby] carol: hello over tcp");
            web.send("/nick carol");
            assertThat(web.await("taken")).isEqualTo("! nick carol is taken");
            nc.send("/msg webby psst");
            assertThat(web.await("psst")).isEqualTo("[pm] carol: psst");
            web.send("/who");
            assertThat(web.await("* in lobby")).isEqualTo("* in lobby (2): carol, webby");
        }
    }

    @Test
    void theHttpListenerStartedFirstStillSharesTheChatListenersRooms() throws IOException {
        Server server = start("http", "chat");
        try (LineChatClient nc = new LineChatClient(server.address("chat"), Duration.ofMillis(READ_TIMEOUT_MS));
                WsClient web = new WsClient(server.address("http"))) {
            nc.await("welcome");
            web.await("welcome");
            web.send("/who");
            assertThat(web.await("* in lobby")).startsWith("* in lobby (2): ");
        }
    }

    @Test
    void twoServersInOneJvmHaveTheirOwnRooms() throws IOException {
        Server first = start();
        Server second = start();
        try (LineChatClient a = new LineChatClient(first.address("chat"), Duration.ofMillis(READ_TIMEOUT_MS));
                WsClient b = new WsClient(second.address("http"))) {
            a.await("welcome");
            b.await("welcome");
            b.send("/who");
            assertThat(b.await("* in lobby")).as("the other server's nc user is not here").startsWith("* in lobby (1): ");
        }
    }

    /** WebSocket members in one room with the sender; its burst spends the fan-out turn (16,384 deliveries). */
    private static final int ROOM_MEMBERS = 200;
    private static final int BURST_LINES = 100;

    @Test
    void aBurstFromAWebSocketSenderReachesEveryWebSocketMemberOfALargeRoom() throws IOException {
        Server server = start();
        List<WsClient> members = new ArrayList<>();
        try {
            for (int i = 0; i < ROOM_MEMBERS; i++) {
                WsClient member = new WsClient(server.address("http"));
                members.add(member);
                member.await("welcome");
            }
            try (WsClient sender = new WsClient(server.address("http"))) {
                sender.send("/nick sender");
                sender.await("is now known as sender");
                assertThat((long) (ROOM_MEMBERS + 1) * BURST_LINES).as("the burst spends the turn").isGreaterThan(16_384);
                List<String> lines = new ArrayList<>();
                for (int i = 0; i < BURST_LINES; i++) {
                    lines.add("line " + i);
                }
                sender.sendAll(lines); // one write: the server reads most of it at once and must pause, not drop

                for (WsClient member : members) {
                    for (int i = 0; i < BURST_LINES; i++) {
                        assertThat(member.await("[lobby] sender: line")).as("every line, in order").isEqualTo("[lobby] sender: line " + i);
                    }
                }
                sender.send("/who");
                assertThat(sender.await("* in lobby")).as("nothing refused before the answer")
                        .startsWith("* in lobby (" + (ROOM_MEMBERS + 1) + "): ");
            }
        } finally {
            for (WsClient member : members) {
                member.close();
            }
        }
    }

    /** A WebSocket client of /chat: masked text frames out, one text message per chat line in. */
    private static final class WsClient implements AutoCloseable {
        private static final byte[] MASK = {0x12, 0x34, 0x56, 0x78};
        private static final int PING = 9;
        private static final int PONG = 10;
        private final Socket socket = new Socket();
        private final DataInputStream in;

        WsClient(InetSocketAddress address) throws IOException {
            socket.connect(address, READ_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            in = new DataInputStream(socket.getInputStream());
            String host = "127.0.0.1:" + address.getPort();
            socket.getOutputStream().write(("GET /chat HTTP/1.1\r\nHost: " + host + "\r\nOrigin: http://" + host
                    + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                head.append((char) in.readUnsignedByte());
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101 ");
        }

        void send(String text) throws IOException {
            sendAll(List.of(text));
        }

        /** A pong carrying {@code payload} (a ping's, at most 125 bytes), masked as a client must. */
        private void pong(byte[] payload) throws IOException {
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            frame.write(0x80 | PONG);
            frame.write(0x80 | payload.length);
            frame.writeBytes(MASK);
            for (int i = 0; i < payload.length; i++) {
                frame.write(payload[i] ^ MASK[i & 3]);
            }
            socket.getOutputStream().write(frame.toByteArray());
        }

        /** Each text a message, all in one write. */
        void sendAll(List<String> texts) throws IOException {
            ByteArrayOutputStream frames = new ByteArrayOutputStream();
            for (String text : texts) {
                byte[] payload = text.getBytes(StandardCharsets.UTF_8);
                assertThat(payload.length).isLessThan(126);
                frames.write(0x81);
                frames.write(0x80 | payload.length);
                frames.writeBytes(MASK);
                for (int i = 0; i < payload.length; i++) {
                    frames.write(payload[i] ^ MASK[i & 3]);
                }
            }
            OutputStream out = socket.getOutputStream();
            out.write(frames.toByteArray());
            out.flush();
        }

        /**
         * The next text message. A ping is answered and skipped: the server pings a member that has
         * been quiet for its ping interval (30 s), which a loaded machine reaches while the large
         * room is still being filled (the burst test took 44 s in a stress run and met a ping).
         */
        String message() throws IOException {
            int opcode;
            byte[] payload;
            while (true) {
                opcode = in.readUnsignedByte() & 0x0F;
                int length = in.readUnsignedByte() & 0x7F;
                if (length == 126) {
                    length = in.readUnsignedShort();
                } else if (length == 127) {
                    throw new IOException("unexpectedly long message");
                }
                payload = in.readNBytes(length);
                if (opcode != PING) {
                    break;
                }
                pong(payload);
            }
            if (opcode != 1) {
                throw new IOException("expected a text message, got opcode " + opcode);
            }
            String text = new String(payload, StandardCharsets.UTF_8);
            assertThat(text).as("one line per message").doesNotContain("\r", "\n");
            return text;
        }

        String await(String text) throws IOException {
            while (true) {
                String message = message();
                if (message.contains(text)) {
                    return message;
                }
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
