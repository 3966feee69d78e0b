package io.jselectors.protocol.websocket;

import static io.jselectors.protocol.websocket.ClientFrames.frames;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.WebSocketEndpoint;
import io.jselectors.protocol.WebSocketMessage;
import io.jselectors.protocol.WebSocketSession;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * An endpoint that pauses its session's input gets nothing more until it resumes, and then every
 * message that was kept, in order; a message framed once goes to several sessions as it is.
 */
class WebSocketPauseTest {

    private final List<String> received = new ArrayList<>();
    private final List<WebSocketSession> sessions = new ArrayList<>();
    private final ProtocolTester tester = ProtocolTester.builder("websocket", listener -> new WebSocketHandler(
                    new WebSocketEndpoint() {
                        @Override
                        public void onOpen(WebSocketSession session) {
                            sessions.add(session);
                        }

                        @Override
                        public void onText(WebSocketSession session, String text) {
                            received.add(text);
                            if (text.startsWith("pause")) {
                                session.pauseReading();
                            }
                        }
                    }, WebSocketSettings.DEFAULTS, null))
            .build();

    @AfterEach
    void closeAndCheckLeaks() {
        tester.close();
    }

    @Test
    void aPauseKeepsTheRestOfTheReadUntilResumed() {
        TestConnection connection = tester.connect();

        connection.receive(frames().text("a").text("pause 1").text("b").text("pause 2").text("c").toBytes());

        assertThat(received).as("nothing after the pausing message").containsExactly("a", "pause 1");
        assertThat(connection.isReadingPaused()).isTrue();

        sessions.getFirst().resumeReading();
        assertThat(received).as("resumed from a task, not inside the call").hasSize(2);
        tester.runPending();
        assertThat(received).containsExactly("a", "pause 1", "b", "pause 2");
        assertThat(connection.isReadingPaused()).as("paused again by the kept messages").isTrue();

        sessions.getFirst().resumeReading();
        tester.runPending();
        assertThat(received).containsExactly("a", "pause 1", "b", "pause 2", "c");
        assertThat(connection.isReadingPaused()).isFalse();
        connection.receive(frames().text("d").toBytes());
        assertThat(received).last().isEqualTo("d");
    }

    @Test
    void aMessageFramedOnceGoesToEverySessionAsItIs() {
        TestConnection first = tester.connect();
        TestConnection second = tester.connect();
        ByteBuf utf8 = tester.alloc().buffer().writeBytes("to all: grüße".getBytes(StandardCharsets.UTF_8));
        WebSocketMessage message = WebSocketMessage.text(tester.alloc(), utf8, utf8.readerIndex(), utf8.readableBytes());
        utf8.release();
        try {
            sessions.forEach(session -> session.send(message));
        } finally {
            message.release();
        }
        tester.runPending();

        for (TestConnection connection : List.of(first, second)) {
            assertThat(connection.unflushedBytes()).as("flushed by the loop's pass").isZero();
            assertThat(ClientFrames.parse(connection.takeOutput())).singleElement().satisfies(frame -> {
                assertThat(frame.opcode()).isEqualTo(Opcodes.TEXT);
                assertThat(frame.text()).isEqualTo("to all: grüße");
            });
        }
    }
}
