package io.jselectors.protocol.chat;

import static io.jselectors.protocol.chat.ChatTesting.drain;
import static io.jselectors.protocol.chat.ChatTesting.lines;
import static io.jselectors.protocol.chat.ChatTesting.login;
import static org.assertj.core.api.Assertions.assertThat;

import io.jselectors.protocol.testkit.ProtocolTester;
import io.jselectors.protocol.testkit.TestConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A sender's fan-out budget spent many times within one read: nothing is lost or reordered across the waits. */
class ChatFanOutTest {

    private static final int MEMBERS = 20;

    /** 20 members x 2,000 lines: 40,000 deliveries, two waits and more within one read. */
    private static final int LINES = 2000;

    @Test
    void linesPastTheBudgetWaitForTheRoomAndAllArriveInOrder() {
        try (ProtocolTester tester = ChatTesting.tester()) {
            TestConnection sender = login(tester, "sender");
            List<TestConnection> room = new ArrayList<>();
            for (int i = 0; i < MEMBERS; i++) {
                room.add(login(tester, "m" + i));
            }
            drain(sender);
            room.forEach(ChatTesting::drain);
            assertThat((long) MEMBERS * LINES).as("the test spends the budget").isGreaterThan(2L * FanOutPacer.PER_TURN);

            StringBuilder flood = new StringBuilder();
            for (int i = 0; i < LINES; i++) {
                flood.append("line ").append(i).append('\n');
            }
            sender.receive(flood.toString());
            tester.runPending();

            List<String> expected = IntStream.range(0, LINES).mapToObj(i -> "[lobby] sender: line " + i).toList();
            for (TestConnection member : room) {
                assertThat(lines(member)).as("every line, in order, across the waits").isEqualTo(expected);
            }
            assertThat(sender.isReadingPaused()).as("reading again once its room took everything").isFalse();
            sender.receive("/who\n");
            assertThat(lines(sender)).singleElement().asString().startsWith("* in lobby (21)");
        }
    }
}
