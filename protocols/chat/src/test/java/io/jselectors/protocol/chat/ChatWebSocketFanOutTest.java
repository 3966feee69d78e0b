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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket sender in a room of 250 WebSocket members: its input is paused while its
 * lines are being delivered, not dropped, and every member gets every line, in order, from one
 * frame per line shared by the loop's WebSocket members.
 */
class ChatWebSocketFanOutTest {

    private static final int MEMBERS = 250;

    /** 250 members x 100 lines: 25,000 deliveries, a wait for the room after line 65 (a turn here). */
    private static final int LINES = 100;

    private final ProtocolTester tester = ChatTesting.tester();
    private final ChatEndpoint endpoint = HttpListener.chatEndpoint(tester);

    @AfterEach
    void close() {
        tester.close();
    }

    private FakeSession open() {
        FakeSession session = HttpListener.open(tester, endpoint);
        session.take();
        return session;
    }

    @Test
    void aWebSocketSenderIsPausedNotDroppedAndEveryMemberGetsEveryLine() {
        FakeSession sender = open();
        endpoint.onText(sender, "/nick sender");
        List<FakeSession> room = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            room.add(open());
        }
        TestConnection nc = login(tester, "nc");
        tester.runPending();
        sender.take();
        room.forEach(FakeSession::take);
        drain(nc);
        room.forEach(member -> member.framed = 0);
        assertThat((long) MEMBERS * LINES).as("the test spends the budget").isGreaterThan((long) FanOutPacer.PER_TURN);

        int pauses = 0;
        for (int i = 0; i < LINES; i++) {
            // As the session does: a message reaches the endpoint while its input is not paused, and
            // at most one more arrives after a pause (the rest of that read is kept by the session).
            endpoint.onText(sender, "line " + i);
            if (sender.paused) {
                pauses++;
                if (i + 1 < LINES) {
                    endpoint.onText(sender, "line " + ++i);
                }
                tester.runPending();
                assertThat(sender.paused).as("reading again once the room took line %d", i).isFalse();
            }
        }
        tester.runPending();

        List<String> expected = IntStream.range(0, LINES).mapToObj(i -> "[lobby] sender: line " + i).toList();
        assertThat(pauses).as("the sender waited for its room").isGreaterThanOrEqualTo(1);
        for (FakeSession member : room) {
            assertThat(member.take()).as("every line, in order, across the waits").isEqualTo(expected);
            assertThat(member.framed).as("each line from the loop's one shared frame").isEqualTo(LINES);
            assertThat(member.aborted || member.closeCode != 0).isFalse();
        }
        assertThat(lines(nc)).as("the line member in the same room").isEqualTo(expected);
        assertThat(sender.take()).as("nothing refused, no slow-down notice").isEmpty();
    }
}
