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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The message deadline ({@link WebSocketSettings#messageTimeout}) on the tester's clock: a message
 * trickled in tiny fragments, each followed by a ping (which keeps the ping timer content), is cut
 * off at the deadline with 1008, and the connection goes after the close timeout whatever the peer
 * keeps sending; a message that arrives in time costs nothing and the next one gets its own clock.
 */
class WebSocketMessageDeadlineTest {

    private static final Duration PING = Duration.ofSeconds(30);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration MESSAGE_TIMEOUT = Duration.ofSeconds(10);

    private final List<String> received = new ArrayList<>();
    private final WebSocketEndpoint endpoint = new WebSocketEndpoint() {
        @Override
        public void onText(WebSocketSession s, String text) {
            received.add(text);
        }
    };
    private final ProtocolTester tester = ProtocolTester.builder("websocket", listener -> new WebSocketHandler(
                    endpoint, new WebSocketSettings(1 << 20, PING, CLOSE_TIMEOUT, MESSAGE_TIMEOUT), null))
            .build();

    @AfterEach
    void closeAndCheckLeaks() {
        tester.close();
    }

    /** A one-byte fragment (the first one starts the message) and a ping. */
    private static byte[] fragmentAndPing(boolean first) {
        return frames().raw(first ? 0x01 : 0x00, new byte[] {'x'}, true).ping(new byte[] {'p'}).toBytes();
    }

    @Test
    void aMessageTrickledInFragmentsBetweenPingsIsCutOffAtTheDeadline() {
        TestConnection connection = tester.connect();
        connection.receive(fragmentAndPing(true));
        for (int second = 1; second < MESSAGE_TIMEOUT.toSeconds(); second++) {
            tester.advance(Duration.ofSeconds(1));
            connection.receive(fragmentAndPing(false));
        }
        List<Frame> before = ClientFrames.parse(connection.takeOutput());
        assertThat(before).as("a pong for every ping, nothing else yet").extracting(Frame::opcode)
                .containsOnly(Opcodes.PONG).hasSize((int) MESSAGE_TIMEOUT.toSeconds());

        tester.advance(Duration.ofSeconds(1)); // the deadline: 10 s after the first fragment's read
        assertThat(ClientFrames.parse(connection.takeOutput())).singleElement().satisfies(close -> {
            assertThat(close.opcode()).isEqualTo(Opcodes.CLOSE);
            assertThat(close.closeCode()).isEqualTo(WebSocketCloseCodes.POLICY_VIOLATION);
            assertThat(new String(Arrays.copyOfRange(close.payload(), 2, close.payload().length), StandardCharsets.UTF_8))
                    .isEqualTo(MessageDeadline.REASON);
        });

        // The peer ignores our close and keeps trickling: the close timeout still ends it.
        for (int second = 0; second <= CLOSE_TIMEOUT.toSeconds() && connection.isOpen(); second++) {
            connection.receive(fragmentAndPing(false));
            tester.advance(Duration.ofSeconds(1));
        }
        assertThat(connection.isOpen()).as("dropped after the close timeout").isFalse();
        assertThat(received).isEmpty();
    }

    @Test
    void eachMessageHasItsOwnClockAndOneThatArrivesInTimeIsDelivered() {
        TestConnection connection = tester.connect();
        // The first message takes 8 s of the 10; the second starts at 9 s and takes 8 s more.
        connection.receive(frames().raw(0x01, "a".getBytes(StandardCharsets.UTF_8), true).toBytes());
        tester.advance(Duration.ofSeconds(8));
        connection.receive(frames().raw(0x80, "b".getBytes(StandardCharsets.UTF_8), true).toBytes());
        tester.advance(Duration.ofSeconds(1));
        connection.receive(frames().raw(0x01, "c".getBytes(StandardCharsets.UTF_8), true).toBytes());
        for (int second = 0; second < 8; second++) {
            tester.advance(Duration.ofSeconds(1));
            connection.receive(fragmentAndPing(false));
        }
        connection.receive(frames().raw(0x80, "d".getBytes(StandardCharsets.UTF_8), true).toBytes());
        tester.advance(MESSAGE_TIMEOUT.multipliedBy(2)); // nothing incomplete now: no deadline runs

        assertThat(received).containsExactly("ab", "cxxxxxxxxd");
        assertThat(ClientFrames.parse(connection.takeOutput())).extracting(Frame::opcode).doesNotContain(Opcodes.CLOSE);
        assertThat(connection.isOpen()).isTrue();
    }

    /** The timer set for a message that arrived is moved to the deadline of the one incomplete when it fires. */
    @Test
    void aLaterIncompleteMessageIsCutOffAtItsOwnDeadline() {
        TestConnection connection = tester.connect();
        connection.receive(frames().raw(0x01, "a".getBytes(StandardCharsets.UTF_8), true).toBytes()); // t = 0
        tester.advance(Duration.ofSeconds(8));
        connection.receive(frames().raw(0x80, "b".getBytes(StandardCharsets.UTF_8), true).toBytes());
        tester.advance(Duration.ofSeconds(1));
        connection.receive(fragmentAndPing(true)); // t = 9: the next message begins, its deadline 19
        for (int second = 10; second < 19; second++) {
            tester.advance(Duration.ofSeconds(1));
            connection.receive(fragmentAndPing(false));
        }
        assertThat(ClientFrames.parse(connection.takeOutput())).as("t = 18").extracting(Frame::opcode)
                .doesNotContain(Opcodes.CLOSE);
        tester.advance(Duration.ofSeconds(1));
        assertThat(ClientFrames.parse(connection.takeOutput())).as("t = 19").singleElement()
                .satisfies(close -> assertThat(close.closeCode()).isEqualTo(WebSocketCloseCodes.POLICY_VIOLATION));
        assertThat(received).containsExactly("ab");
    }

    @Test
    void theDefaultTimeoutGivesTheCapAtTheMinimumRateAndNeverLessThanAMinute() {
        assertThat(WebSocketSettings.DEFAULTS.messageTimeout()).isEqualTo(Duration.ofSeconds(128)); // 1 MiB at 8 KiB/s
        assertThat(WebSocketSettings.messageTimeoutFor(64)).isEqualTo(WebSocketSettings.MIN_MESSAGE_TIMEOUT);
        assertThat(WebSocketSettings.messageTimeoutFor(16 << 20)).isEqualTo(Duration.ofSeconds(2048));
        assertThat(new WebSocketSettings(64, PING, CLOSE_TIMEOUT).messageTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThatThrownBy(() -> new WebSocketSettings(64, PING, CLOSE_TIMEOUT, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("messageTimeout");
    }
}
