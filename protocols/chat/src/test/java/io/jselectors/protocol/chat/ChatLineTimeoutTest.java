package io.jselectors.protocol.chat;

import static io.jselectors.protocol.chat.ChatTesting.drain;
import static io.jselectors.protocol.chat.ChatTesting.lines;
import static io.jselectors.protocol.chat.ChatTesting.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A line user who drips bytes: every byte refreshes the idle timeout, so the line timeout bounds
 * each line from its first byte ({@link ChatSettings#DEFAULT_LINE_TIMEOUT_SECONDS}).
 */
class ChatLineTimeoutTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(ChatSettings.DEFAULT_LINE_TIMEOUT_SECONDS);

    @Test
    void aLineDrippedByteByByteIsCutAtTheLineTimeoutFromItsFirstByte() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection drip = login(tester, "drip");
            drain(alice, drip);
            String text = "a line that never ends";
            Duration step = TIMEOUT.dividedBy(text.length()); // each byte well inside any idle timeout
            for (int i = 0; i < text.length() - 1; i++) {
                drip.receive(text.substring(i, i + 1));
                tester.advance(step);
                assertThat(drip.isOpen() && !drip.isClosing()).as("byte %d, inside the timeout", i).isTrue();
            }
            drip.receive(text.substring(text.length() - 1));
            tester.advance(TIMEOUT);
            assertThat(lines(drip)).containsExactly(ChatText.LINE_TIMEOUT);
            assertThat(drip.isClosing() || !drip.isOpen()).as("then closed").isTrue();
            assertThat(lines(alice)).containsExactly("[lobby] * drip left (line timeout)");
        }
    }

    @Test
    void slowButWholeLinesAreNotTimedOut() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection slow = login(tester, "slow");
            drain(alice, slow);
            for (int i = 0; i < 5; i++) {
                slow.receive("half ");
                tester.advance(TIMEOUT.minusSeconds(1));
                slow.receive("and the rest " + i + "\n");
                tester.advance(TIMEOUT.minusSeconds(1)); // quiet between lines: the idle timeout's business
            }
            assertThat(slow.isOpen() && !slow.isClosing()).isTrue();
            assertThat(lines(alice)).hasSize(5).allMatch(l -> l.startsWith("[lobby] slow: half and the rest "));
        }
    }

    @Test
    void theTimeoutIsAnOption() {
        try (ProtocolTester tester = ProtocolTester.builder(new ChatProtocol()).option("line-timeout", "2").build()) {
            TestConnection drip = login(tester, "drip");
            drain(drip);
            drip.receive("x");
            tester.advance(Duration.ofSeconds(2));
            assertThat(lines(drip)).containsExactly(ChatText.LINE_TIMEOUT);
        }
        assertThatThrownBy(() -> ProtocolTester.builder(new ChatProtocol()).option("line-timeout", "0").build())
                .hasMessageContaining("line-timeout");
    }
}
