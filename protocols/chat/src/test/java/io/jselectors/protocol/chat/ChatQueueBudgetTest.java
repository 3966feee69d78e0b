package io.jselectors.protocol.chat;

import static io.jselectors.protocol.chat.ChatTesting.drain;
import static io.jselectors.protocol.chat.ChatTesting.lines;
import static io.jselectors.protocol.chat.ChatTesting.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jselectors.connection.ConnectionLimits;
import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The server-wide budget for what all members' queues hold ({@link QueueBudget}): readers that
 * stopped are disconnected, the fullest first, before their queues together pass {@code
 * queue-budget}; the sender and the readers that keep up notice nothing.
 */
class ChatQueueBudgetTest {

    /** Small enough that a few hundred lines to three stalled readers pass it; far below max-queue. */
    private static final long BUDGET = 20_000;

    private static ProtocolTester tester(long budget) {
        return ProtocolTester.builder(new ChatProtocol()).option("queue-budget", Long.toString(budget)).build();
    }

    /** What the testkit's connections really hold in their queues, summed: not the chat's own count. */
    private static long queuedNow(List<TestConnection> connections) {
        long sum = 0;
        for (TestConnection c : connections) {
            if (c.isOpen()) {
                sum += c.pendingWriteBytes();
            }
        }
        return sum;
    }

    @Test
    void stalledReadersAreDisconnectedFullestFirstAndTheQueuesStayWithinTheBudget() {
        try (ProtocolTester tester = tester(BUDGET)) {
            TestConnection alice = login(tester, "alice");
            TestConnection carol = login(tester, "carol");
            List<TestConnection> stalled = new ArrayList<>();
            for (String nick : List.of("bob", "dave", "erin")) {
                stalled.add(login(tester, nick));
            }
            List<TestConnection> everyone = new ArrayList<>(stalled);
            everyone.add(alice);
            everyone.add(carol);
            drain(everyone.toArray(TestConnection[]::new));
            stalled.get(0).socketCapacity(0);
            stalled.get(1).socketCapacity(0);
            // erin stops three lines later: the least behind, even after a room notice or two more for her.
            alice.receive("a head start for bob and dave\nand another\nand a third\n");
            stalled.get(2).socketCapacity(0);

            long highest = 0;
            int sent = 0;
            while (stalled.stream().anyMatch(TestConnection::isOpen) && sent < 2_000) {
                alice.receive("line " + sent++ + " of a flood that three readers stopped reading\n");
                highest = Math.max(highest, queuedNow(everyone));
            }
            MeterRegistry meters = tester.meterRegistry();
            assertThat(stalled).as("every stalled reader was disconnected (aborted: its queue discarded)")
                    .allMatch(c -> !c.isOpen());
            assertThat(highest).as("what the queues really held, at every step").isPositive().isLessThanOrEqualTo(BUDGET);
            assertThat(meters.get("jselectors.chat.queued.peak").gauge().value()).as("the chat's own count").isLessThanOrEqualTo(BUDGET);
            assertThat(meters.get("jselectors.chat.queue.budget").gauge().value()).isEqualTo(BUDGET);
            assertThat(meters.get("jselectors.chat.queue.budget.disconnects").counter().count()).isEqualTo(3);
            assertThat(meters.get("jselectors.chat.slow.consumers").counter().count()).as("max-queue was never reached").isZero();

            List<String> carolSaw = lines(carol);
            List<String> said = carolSaw.stream().filter(l -> l.startsWith("[lobby] alice: line ")).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < sent; i++) {
                expected.add("[lobby] alice: line " + i + " of a flood that three readers stopped reading");
            }
            assertThat(said).as("the reader got every line, in order").isEqualTo(expected);
            List<String> notices = carolSaw.stream().filter(l -> l.startsWith("[lobby] * ")).toList();
            assertThat(notices).as("the fullest first: erin stopped last")
                    .hasSize(3)
                    .allMatch(l -> l.endsWith(" was disconnected: too far behind while the server's chat queues are full"));
            assertThat(notices.getLast()).startsWith("[lobby] * erin ");
            assertThat(lines(alice)).as("the sender is told of the departures, nothing else").isEqualTo(notices);

            alice.receive("/who\n");
            assertThat(lines(alice)).containsExactly("* in lobby (2): alice, carol");
            assertThat(meters.get("jselectors.chat.queued").gauge().value()).as("nothing counted for closed connections").isZero();
        }
    }

    @Test
    void readersThatKeepUpAreNeverDisconnectedEvenWhenOneReadFansOutPastTheBudget() {
        try (ProtocolTester tester = tester(1_000)) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            TestConnection carol = login(tester, "carol");
            drain(alice, bob, carol);
            // 60 lines in one read: ~6,000 bytes wait for the end of the batch's flush, six times the budget.
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 60; i++) {
                burst.append("burst line ").append(i).append('\n');
            }
            alice.receive(burst.toString());
            assertThat(lines(bob)).hasSize(60);
            assertThat(lines(carol)).hasSize(60);
            assertThat(bob.isOpen() && carol.isOpen()).isTrue();
            assertThat(tester.meterRegistry().get("jselectors.chat.queue.budget.disconnects").counter().count()).isZero();
        }
    }

    @Test
    void theDefaultBudgetIsAQuarterOfTheSmallerMemoryPool() {
        long mib = 1L << 20;
        assertThat(ChatSettings.defaultQueueBudget(64 * mib, 32 * mib)).as("the launcher: -Xmx64m, direct cap 32 MiB").isEqualTo(8 * mib);
        assertThat(ChatSettings.defaultQueueBudget(38 * mib, 128 * mib)).isEqualTo(38 * mib * 25 / 100);
        assertThat(ChatSettings.defaultQueueBudget(2 * mib, 2 * mib)).as("never under one max-queue").isEqualTo(mib);
        assertThat(ChatSettings.defaultQueueBudget(Long.MAX_VALUE, -1)).as("nothing known").isEqualTo(mib);
        assertThat(ChatSettings.defaults().queueBudget())
                .isEqualTo(ChatSettings.defaultQueueBudget(Runtime.getRuntime().maxMemory(), io.netty.util.internal.PlatformDependent.maxDirectMemory()));
    }

    @Test
    void aBadBudgetNamesTheOption() {
        assertThatThrownBy(() -> tester(0)).hasMessageContaining("queue-budget");
        assertThatThrownBy(() -> ProtocolTester.builder(new ChatProtocol()).option("queue-budget", "lots").build())
                .hasMessageContaining("queue-budget");
    }

    @Test
    void theCheckBeforeALineChargesWhatTheQueueWillChargeForIt() {
        // The budget's check before a write and its recount after (pendingWriteBytes) must agree:
        // the chat cannot see ConnectionLimits through the plugin API, so it keeps its own copy.
        assertThat(QueueBudget.LINE_OVERHEAD).isEqualTo(ConnectionLimits.ENTRY_OVERHEAD);
    }
}
