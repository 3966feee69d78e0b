package io.jselectors.protocol.websocket;

import static io.jselectors.protocol.websocket.ClientFrames.frames;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketSession;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Sends within a read are queued and go out with the read batch's one flush; sends from outside a
 * callback (a task) go out with one flush queued on the loop behind them. Text is echoed as its bytes through {@code onTextBytes}.
 */
class WebSocketBatchingTest {

    private static final int IN_FLIGHT = 16;

    /** What was queued but not yet sent each time the endpoint got a message, before it replied. */
    private final List<Long> pendingAtEachMessage = new ArrayList<>();
    private final AtomicReference<WebSocketSession> session = new AtomicReference<>();
    private final WebSocketEndpoint echoBytes = new WebSocketEndpoint() {
        @Override
        public void onOpen(WebSocketSession s) {
            session.set(s);
        }

        @Override
        public void onTextBytes(WebSocketSession s, ByteBuf utf8) {
            pendingAtEachMessage.add(s.pendingWriteBytes());
            s.sendText(utf8);
        }
    };
    private final ProtocolTester tester = ProtocolTester.builder(
                    "websocket", listener -> new WebSocketHandler(echoBytes, WebSocketSettings.DEFAULTS, null))
            .build();

    @AfterEach
    void closeAndCheckLeaks() {
        tester.close();
    }

    @Test
    void repliesToMessagesOfOneReadAreFlushedOnceAtItsEnd() {
        TestConnection connection = tester.connect();
        ClientFrames burst = frames();
        IntStream.range(0, IN_FLIGHT).forEach(i -> burst.text("message " + i));

        connection.receive(burst.toBytes());

        assertThat(pendingAtEachMessage).hasSize(IN_FLIGHT);
        assertThat(pendingAtEachMessage.getFirst()).isZero();
        assertThat(pendingAtEachMessage.subList(1, IN_FLIGHT))
                .as("each reply waits in the queue for the batch's flush").allMatch(pending -> pending > 0);
        assertThat(pendingAtEachMessage).isSorted();
        assertThat(connection.unflushedBytes()).as("the batch's end flushed them").isZero();
        assertThat(ClientFrames.parse(connection.takeOutput())).extracting(ClientFrames.Frame::text)
                .containsExactlyElementsOf(IntStream.range(0, IN_FLIGHT).mapToObj(i -> "message " + i).toList());
    }

    @Test
    void aSendFromATaskIsFlushedByTheLoopsPass() {
        TestConnection connection = tester.connect();

        session.get().loop().execute(() -> session.get().sendText("from a task"));
        tester.runPending();

        assertThat(connection.unflushedBytes()).isZero();
        assertThat(ClientFrames.parse(connection.takeOutput())).extracting(ClientFrames.Frame::text)
                .containsExactly("from a task");
    }

    @Test
    void fragmentedMultiByteTextIsEchoedAsItsBytes() {
        TestConnection connection = tester.connect();
        byte[] utf8 = "grüße, 世界 🌍".getBytes(StandardCharsets.UTF_8);
        int cut = 4; // inside "ü": the fragments split a UTF-8 sequence
        connection.receive(frames()
                .frame(false, Opcodes.TEXT, Arrays.copyOfRange(utf8, 0, cut))
                .frame(true, Opcodes.CONTINUATION, Arrays.copyOfRange(utf8, cut, utf8.length))
                .toBytes());

        assertThat(ClientFrames.parse(connection.takeOutput())).singleElement().satisfies(frame -> {
            assertThat(frame.opcode()).isEqualTo(Opcodes.TEXT);
            assertThat(frame.payload()).isEqualTo(utf8);
        });
    }
}
