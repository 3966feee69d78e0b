package io.jselectors.protocol.chat;

import static io.jselectors.protocol.chat.ChatTesting.drain;
import static io.jselectors.protocol.chat.ChatTesting.lines;
import static io.jselectors.protocol.chat.ChatTesting.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import org.junit.jupiter.api.Test;

/**
 * Lines that arrive in pieces share one budget ({@link LineBudget}): past it the line that needs
 * more is dropped and its user told why; whole lines, other users and the connection carry on.
 */
class ChatLineBudgetTest {

    /** Room for two of the 3,000-byte pieces below, not three. */
    private static final int BUDGET = 8192;

    @Test
    void aLineInPiecesThatFindsTheBudgetSpentIsDroppedAndNobodyElseNotices() {
        try (ProtocolTester tester = ProtocolTester.builder(new ChatProtocol()).option("line-budget", String.valueOf(BUDGET)).build()) {
            LineBudget budget = ChatTesting.state(tester).lineBudget();
            TestConnection alice = login(tester, "alice");
            TestConnection first = login(tester, "first");
            TestConnection second = login(tester, "second");
            TestConnection third = login(tester, "third");
            drain(alice, first, second, third);
            String piece = "x".repeat(3000);

            first.receive(piece);
            second.receive(piece);
            assertThat(budget.held()).isEqualTo(6000);
            third.receive(piece);
            assertThat(budget.held()).as("the third piece found no room and holds nothing").isEqualTo(6000);
            assertThat(lines(third)).containsExactly(
                    "! line discarded: it arrived in pieces while the server's line buffers are full; send whole lines");

            third.receive(" and its end\n");
            third.receive("a whole line\n");
            first.receive(" first's end\n");
            assertThat(lines(alice)).containsExactly("[lobby] third: a whole line", "[lobby] first: " + piece + " first's end");
            assertThat(budget.held()).as("first's line ended").isEqualTo(3000);
            assertThat(third.isOpen() && !third.isClosing()).isTrue();
            assertThat(tester.meterRegistry().get("jselectors.chat.line.budget.refusals").counter().count()).isEqualTo(1.0);

            second.peerReset();
            tester.runPending();
            assertThat(budget.held()).as("a closed connection gives its line back").isZero();
        }
    }

    @Test
    void theBudgetMustHoldALongestLine() {
        assertThatThrownBy(() -> ProtocolTester.builder(new ChatProtocol()).option("max-line", "4096").option("line-budget", "4096").build())
                .hasMessageContaining("line-budget");
    }
}
