package io.jselectors.protocol.websocket;

import static io.jselectors.protocol.websocket.ClientFrames.frames;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketSession;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The three ways a data frame leaves (WebSocketHandler#sendPayload): the message just delivered
 * with its header written in front of it (one queued buffer), a small foreign payload copied
 * behind its header (one buffer), a large one after a header buffer of its own (two). The queue's
 * cost ({@code pendingWriteBytes}: bytes plus 64 per buffer) tells them apart; the bytes on the
 * wire must be the same every way.
 */
class WebSocketSendPathTest {

    /** What the server and the testkit charge per queued buffer (Connection#pendingWriteBytes). */
    private static final int PER_BUFFER = 64;
    private static final WebSocketSettings BIG_MESSAGES =
            new WebSocketSettings(1 << 20, Duration.ofSeconds(30), Duration.ofSeconds(5));

    private final List<Long> pendingAfterReply = new ArrayList<>();
    private BiConsumer<WebSocketSession, ByteBuf> reply;
    private final ProtocolTester tester = ProtocolTester.builder("websocket", listener -> new WebSocketHandler(
                    new WebSocketEndpoint() {
                        @Override
                        public void onTextBytes(WebSocketSession s, ByteBuf utf8) {
                            reply.accept(s, utf8);
                            pendingAfterReply.add(s.pendingWriteBytes());
                        }

                        @Override
                        public void onBinary(WebSocketSession s, ByteBuf data) {
                            reply.accept(s, data);
                            pendingAfterReply.add(s.pendingWriteBytes());
                        }
                    }, BIG_MESSAGES, null))
            .build();

    @AfterEach
    void closeAndCheckLeaks() {
        tester.close(); // PARANOID leak detection: every path releases what it queued or dropped
    }

    private static byte[] random(int n) {
        byte[] bytes = new byte[n];
        new Random(n).nextBytes(bytes);
        return bytes;
    }

    /** Answers with the same bytes in another buffer: not the message being delivered. */
    private static void sendACopy(WebSocketSession s, ByteBuf data) {
        ByteBuf other = s.alloc().buffer(data.readableBytes()).writeBytes(data);
        data.release();
        s.sendBinary(other);
    }

    private ClientFrames.Frame echoOne(byte[] payload) {
        TestConnection connection = tester.connect();
        connection.receive(frames().binary(payload).toBytes());
        List<ClientFrames.Frame> out = ClientFrames.parse(connection.takeOutput());
        assertThat(out).hasSize(1);
        return out.getFirst();
    }

    @Test
    void anEchoOfTheDeliveredMessageIsOneBufferWithTheHeaderInFront() {
        reply = WebSocketSession::sendBinary;
        // 16-bit and 64-bit lengths too: the headroom fits the longest header
        for (int size : new int[] {0, 1, 64, 125, 126, 1000, 65_535, 65_536, 70_000}) {
            pendingAfterReply.clear();
            byte[] payload = random(size);
            ClientFrames.Frame frame = echoOne(payload);
            assertThat(frame.opcode()).isEqualTo(Opcodes.BINARY);
            assertThat(frame.payload()).as("%d bytes", size).isEqualTo(payload);
            assertThat(pendingAfterReply).as("one queued buffer for %d bytes", size)
                    .containsExactly((long) FrameEncoder.headerSize(size) + size + PER_BUFFER);
        }
    }

    @Test
    void textIsEchoedTheSameWay() {
        reply = WebSocketSession::sendText;
        TestConnection connection = tester.connect();
        connection.receive(frames().text("grüße").text("x".repeat(300)).toBytes());
        assertThat(ClientFrames.parse(connection.takeOutput())).extracting(ClientFrames.Frame::text)
                .containsExactly("grüße", "x".repeat(300));
    }

    @Test
    void aSmallForeignPayloadIsCopiedBehindItsHeaderIntoOneBuffer() {
        reply = WebSocketSendPathTest::sendACopy;
        byte[] payload = random(WebSocketHandler.COPY_MAX_PAYLOAD);
        assertThat(echoOne(payload).payload()).isEqualTo(payload);
        assertThat(pendingAfterReply).containsExactly(4L + payload.length + PER_BUFFER);
    }

    @Test
    void aLargeForeignPayloadGoesAsItIsAfterAHeaderBuffer() {
        reply = WebSocketSendPathTest::sendACopy;
        byte[] payload = random(WebSocketHandler.COPY_MAX_PAYLOAD + 1);
        assertThat(echoOne(payload).payload()).isEqualTo(payload);
        assertThat(pendingAfterReply).containsExactly(4L + payload.length + 2 * PER_BUFFER);
    }

    @Test
    void aDeliveredMessageTheEndpointReadIntoIsSentFromWhereItStopped() {
        reply = (s, data) -> {
            data.skipBytes(3);
            s.sendBinary(data);
        };
        byte[] payload = random(64);
        assertThat(echoOne(payload).payload()).isEqualTo(java.util.Arrays.copyOfRange(payload, 3, 64));
    }

    @Test
    void aDuplicateTheEndpointKeepsIsNotTouchedByTheHeader() {
        List<ByteBuf> kept = new ArrayList<>();
        reply = (s, data) -> {
            kept.add(data.retainedDuplicate());
            s.sendBinary(data);
        };
        byte[] payload = random(64);
        assertThat(echoOne(payload).payload()).isEqualTo(payload);
        assertThat(ByteBufUtil.getBytes(kept.getFirst())).isEqualTo(payload);
        kept.getFirst().release();
    }

    @Test
    void aMessageFromAnEarlierCallbackTakesTheCopyPath() {
        List<ByteBuf> kept = new ArrayList<>();
        reply = (s, data) -> {
            if (kept.isEmpty()) {
                kept.add(data); // keep the first, answer nothing yet
            } else {
                data.release();
                s.sendBinary(kept.getFirst()); // not the message being delivered now
            }
        };
        TestConnection connection = tester.connect();
        byte[] first = random(64);
        connection.receive(frames().binary(first).binary(random(10)).toBytes());
        assertThat(ClientFrames.parse(connection.takeOutput())).singleElement()
                .satisfies(frame -> assertThat(frame.payload()).isEqualTo(first));
        assertThat(pendingAfterReply.getLast()).isEqualTo(2L + first.length + PER_BUFFER);
    }
}
