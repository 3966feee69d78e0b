package io.jselectors.protocol.chat;

import static io.jselectors.protocol.chat.ChatTesting.drain;
import static io.jselectors.protocol.chat.ChatTesting.lines;
import static io.jselectors.protocol.chat.ChatTesting.login;
import static io.jselectors.protocol.chat.ChatTesting.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Slow readers, shutdown, meters, and state released after many connections. */
class ChatLifecycleTest {

    @Test
    void aReaderPastMaxQueueIsDroppedAndTheRoomCarriesOn() {
        try (ProtocolTester tester = ProtocolTester.builder(new ChatProtocol()).option("max-queue", "4096").build()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            TestConnection carol = login(tester, "carol");
            drain(alice, bob, carol);
            bob.socketCapacity(0);

            int sent = 0;
            while (bob.isOpen() && !bob.isClosing() && sent < 10_000) {
                alice.receive("message number " + sent++ + " with some padding to fill queues\n");
            }
            assertThat(bob.isClosing()).as("bob stopped reading and was dropped").isTrue();
            assertThat(bob.pendingWriteBytes()).isLessThanOrEqualTo(4096 + 200);

            List<String> carolSaw = lines(carol);
            assertThat(carolSaw).hasSize(sent + 1);
            for (int i = 0; i < sent; i++) {
                assertThat(carolSaw).contains("[lobby] alice: message number " + i + " with some padding to fill queues");
            }
            assertThat(carolSaw.getLast()).isEqualTo("[lobby] * bob was disconnected: too slow to read");
            assertThat(lines(alice)).containsExactly("[lobby] * bob was disconnected: too slow to read");

            alice.receive("/who\n");
            assertThat(lines(alice)).containsExactly("* in lobby (2): alice, carol");
            assertThat(tester.meterRegistry().counter("jselectors.chat.slow.consumers").count()).isEqualTo(1);

            tester.advance(Duration.ofSeconds(Member.SLOW_ABORT_GRACE_SECONDS));
            assertThat(bob.isOpen()).as("a reader that never drains is aborted after the grace period").isFalse();

            alice.receive("still fine\n");
            assertThat(lines(carol)).containsExactly("[lobby] alice: still fine");
        }
    }

    @Test
    void theDroppedReaderGetsAReasonLineIfItReadsAgain() {
        try (ProtocolTester tester = ProtocolTester.builder(new ChatProtocol()).option("max-queue", "2000").build()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice, bob);
            bob.socketCapacity(0);
            for (int i = 0; i < 100 && !bob.isClosing(); i++) {
                alice.receive("x".repeat(100) + "\n");
            }
            bob.socketCapacity(TestConnection.UNLIMITED);
            List<String> seen = lines(bob);
            assertThat(seen.getLast()).isEqualTo("! disconnected: you are not reading fast enough (over 2000 bytes waiting)");
            assertThat(bob.isOpen()).isFalse();
            assertThat(bob.closeCause()).isNull();
        }
    }

    @Test
    void aUserWhoseRepliesPileUpIsNotReadUntilTheyDrain() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            alice.socketCapacity(0);
            for (int i = 0; i < 200; i++) {
                alice.receive("/help\n");
            }
            assertThat(alice.isReadingPaused()).isTrue();
            assertThat(alice.unreadBytes()).isPositive();
            assertThat(alice.pendingWriteBytes()).isLessThan(TestConnection.HIGH_WATER_MARK + 2 * ChatText.HELP.length());

            alice.socketCapacity(TestConnection.UNLIMITED);
            long helps = 0;
            for (int round = 0; round < 100 && helps < 200; round++) {
                helps += lines(alice).stream().filter(line -> line.equals("* commands:")).count();
            }
            assertThat(helps).as("every /help answered once the user reads").isEqualTo(200);
            assertThat(alice.isReadingPaused()).isFalse();
        }
    }

    @Test
    void oneSendersMessagesArriveInOrder() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);
            StringBuilder burst = new StringBuilder();
            for (int i = 0; i < 2000; i++) {
                burst.append(i).append('\n');
                if (i % 7 == 0) {
                    alice.receive(burst.toString());
                    burst.setLength(0);
                }
                if (i % 300 == 0) {
                    alice.receive(burst.toString());
                    burst.setLength(0);
                    alice.receive("/msg bob p" + i + "\n");
                }
            }
            alice.receive(burst.toString());
            List<String> seen = lines(bob);
            int next = 0;
            for (String line : seen) {
                if (line.startsWith("[pm] alice: p")) {
                    assertThat(Integer.parseInt(line.substring("[pm] alice: p".length()))).isEqualTo(next - 1);
                } else {
                    assertThat(line).isEqualTo("[lobby] alice: " + next++);
                }
            }
            assertThat(next).isEqualTo(2000);
        }
    }

    @Test
    void shutdownSaysGoodbyeAndClosesWithoutAnnouncingEveryQuit() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            drain(alice);
            alice.shutdown();
            bob.shutdown();
            assertThat(lines(alice)).containsExactly("* server shutting down, bye");
            assertThat(lines(bob)).containsExactly("* server shutting down, bye");
            assertThat(alice.isOpen()).isFalse();
            assertThat(bob.isOpen()).isFalse();
            assertThat(state(tester).userCount()).isZero();
        }
    }

    @Test
    void metersCountUsersRoomsDeliveriesAndSlowReaders() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            MeterRegistry meters = tester.meterRegistry();
            TestConnection alice = login(tester, "alice");
            TestConnection bob = login(tester, "bob");
            TestConnection carol = login(tester, "carol");
            carol.receive("/join side\n");
            assertThat(meters.get("jselectors.chat.users").gauge().value()).isEqualTo(3);
            assertThat(meters.get("jselectors.chat.rooms").gauge().value()).isEqualTo(2);

            alice.receive("to the lobby\n/me nods\n/msg carol hi\n/help\n");
            assertThat(meters.get("jselectors.chat.messages.delivered").counter().count())
                    .as("bob got two room lines, carol one private message").isEqualTo(3);
            assertThat(meters.get("jselectors.chat.slow.consumers").counter().count()).isZero();

            carol.receive("/quit\n");
            bob.peerReset();
            assertThat(meters.get("jselectors.chat.users").gauge().value()).isEqualTo(1);
            assertThat(meters.get("jselectors.chat.rooms").gauge().value()).isEqualTo(1);
        }
    }

    @Test
    void closingTheStateRemovesTheMeters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ProtocolTester tester = ProtocolTester.builder(new ChatProtocol()).meterRegistry(registry).build()) {
            assertThat(tester.meterRegistry().getMeters()).as("users, rooms, delivered, slow consumers; queued, peak, budget, budget disconnects; lines buffered, line budget, line refusals").hasSize(11);
        }
        assertThat(registry.getMeters()).isEmpty();
    }

    @Test
    void tenThousandConnectionsLeaveNoState() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection watcher = login(tester, "watcher");
            ChatState state = state(tester);
            for (int i = 0; i < 10_000; i++) {
                TestConnection c = tester.connect();
                c.receive("/nick u" + i + "\n/join room" + (i % 97) + "\nhello " + i + "\n/msg watcher hi\n");
                c.receive("half a line without its end");
                switch (i % 4) {
                    case 0 -> c.receive(" and its end\n/quit\n");
                    case 1 -> c.peerReset();
                    case 2 -> c.peerShutdownOutput();
                    default -> c.abort();
                }
                assertThat(c.isOpen()).as("connection %d", i).isFalse();
                if (i % 1000 == 0) {
                    watcher.takeOutput();
                }
            }
            watcher.takeOutput();
            assertThat(state.userCount()).isEqualTo(1);
            assertThat(state.rooms()).extracting(Room::name).containsExactly("lobby");
            assertThat(state.room("lobby").members()).hasSize(1);

            watcher.receive("/quit\n");
            assertThat(state.userCount()).isZero();
            assertThat(state.room("lobby").members()).isEmpty();
            assertThat(state.roomCount()).isEqualTo(1);
        }
    }
}
